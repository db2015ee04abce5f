#include "pstore/pstore_record.h"

#include <zlib.h>

#include <algorithm>
#include <map>

#include "kmsg/printk_prefix.h"
#include "util/text.h"

namespace klogd {
namespace {

// "Oops#1 Part1": reason, count, part.
bool parse_header(std::string_view l, PstoreRecord* r) {
  size_t hash = l.find('#');
  size_t part = l.find(" Part");
  if (hash == std::string_view::npos || part == std::string_view::npos || part < hash || hash == 0)
    return false;
  std::string_view reason = l.substr(0, hash);
  if (reason.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") !=
      std::string_view::npos)
    return false;
  size_t at = hash + 1;
  auto count = read_decimal(l, &at);
  if (!count || at != part) return false;
  at = part + 5;
  auto p = read_decimal(l, &at);
  if (!p || at != trim_right(l, " \r").size()) return false;
  r->reason.assign(reason);
  r->count = static_cast<int>(std::min<uint64_t>(*count, 1u << 30));
  r->part = static_cast<int>(std::min<uint64_t>(*p, 1u << 30));
  return true;
}

// "[    2.907674] text": the time and the text after it (kdump's dmesg has no "<prio>").
bool parse_timed_text(std::string_view l, size_t i, PstoreLine* out) {
  size_t n = 0;
  std::optional<uint64_t> ts = parse_printk_time(l.substr(std::min(i, l.size())), &n);
  if (!ts) return false;
  out->ts_usec = *ts;
  i += n;
  if (i < l.size() && l[i] == ' ') ++i;
  out->text.assign(l.substr(i));
  return true;
}

// "<4>[    2.907674] text"; "<14>[...]" for a user record (facility 1): the kernel's syslog form.
bool parse_line(std::string_view l, PstoreLine* out) {
  size_t n = 0;
  std::optional<int> prio = parse_printk_prio(l, &n);
  if (!prio) return false;
  out->level = *prio & 7;
  out->facility = *prio >> 3;
  out->has_level = true;
  return parse_timed_text(l, n, out);
}

bool inflate_raw(std::string_view in, std::string* out, std::string* error) {
  z_stream z{};
  if (inflateInit2(&z, -15) != Z_OK) {
    *error = "cannot start zlib";
    return false;
  }
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  char buf[65536];
  int rc = Z_OK;
  while (rc == Z_OK) {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    rc = inflate(&z, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) break;
    out->append(buf, sizeof buf - z.avail_out);
    if (out->size() > kMaxPstoreText) {
      rc = Z_MEM_ERROR;
      break;
    }
    if (rc == Z_OK && z.avail_in == 0 && z.avail_out != 0) break;  // input ended: cut short
  }
  inflateEnd(&z);
  if (rc == Z_STREAM_END) return true;
  *error = out->size() > kMaxPstoreText ? "decompresses to more than 16 MiB"
           : out->empty() ? "not raw deflate data (" + std::string(z.msg ? z.msg : "damaged") + ")"
                          : "compressed data cut short";
  return !out->empty();  // what came out before the damage is kept
}

}  // namespace

bool inflate_pstore(std::string_view bytes, std::string* text, std::string* error) {
  return inflate_raw(bytes, text, error);
}

namespace {

// "dmesg-ramoops-0:": a systemd-pstore archive's line naming the record that follows.
bool is_archive_name(std::string_view l) {
  return l.size() > 1 && l.size() <= 255 && l.ends_with(':') &&
         l.find_first_of(" \t<[") == std::string_view::npos;
}

// "[seconds.micros] text", or the same after "<prio>"
bool is_timed_line(std::string_view l) {
  size_t n = 0;
  if (parse_printk_prio(l, &n)) l.remove_prefix(n);
  return parse_printk_time(l, &n).has_value();
}

bool is_text(std::string_view head) {
  size_t odd = 0;
  for (unsigned char c : head) {
    if (c == 0) return false;
    if (c < 0x20 && c != '\n' && c != '\r' && c != '\t') ++odd;
  }
  return odd * 20 <= head.size();  // a few control bytes (ESC of a console), no more
}

}  // namespace

DumpForm dump_form(std::string_view head) {
  if (!is_text(head)) return DumpForm::kBinary;
  std::vector<std::string_view> first;  // the first few lines that are not empty
  for_each_line(head, [&](std::string_view l, size_t) {
    if (!l.empty() && first.size() < 8) first.push_back(l);
  });
  if (first.empty()) return DumpForm::kOtherText;
  PstoreRecord r;
  if (parse_header(first[0], &r)) return DumpForm::kPstoreRecord;
  if (first.size() > 1 && is_archive_name(first[0]) && parse_header(first[1], &r))
    return DumpForm::kPstoreArchive;
  // ramoops' console record may begin inside a line (it is a ring): any of the first lines
  size_t timed = 0;
  for (std::string_view l : first) timed += is_timed_line(l);
  return timed * 2 >= first.size() ? DumpForm::kTimedLog : DumpForm::kOtherText;
}

bool parse_pstore_record(std::string_view name, std::string_view bytes, PstoreRecord* out,
                         std::string* error) {
  out->name.assign(name);
  std::string text;
  if (dump_form(bytes.substr(0, 4096)) == DumpForm::kBinary) {
    std::string why;
    if (!inflate_raw(bytes, &text, &why)) {
      *error = std::string(name) + ": " + why;
      return false;
    }
    if (!why.empty()) *error = std::string(name) + ": " + why + " (the text before it is kept)";
    bytes = text;
  }
  bool header = false;
  for_each_line(bytes, [&](std::string_view l, size_t) {
    PstoreLine pl;
    if (parse_line(l, &pl)) {
      out->lines.push_back(std::move(pl));
    } else if (!header && out->lines.empty() && parse_header(l, out)) {
      header = true;
    } else if (l.starts_with("ECC: ") || l.empty()) {
      // ramoops' trailer, or nothing
    } else {
      ++out->bad_lines;
    }
  });
  if (!header && out->lines.empty()) {
    if (error->empty()) *error = std::string(name) + ": not a pstore kernel log dump";
    return false;
  }
  return true;
}

std::vector<PstoreRecord> parse_pstore_dmesg_txt(std::string_view bytes) {
  std::vector<PstoreRecord> out;
  std::string_view name;
  std::string body;
  auto flush = [&] {
    if (name.empty()) return;
    PstoreRecord r;
    std::string err;
    if (parse_pstore_record(name, body, &r, &err)) out.push_back(std::move(r));
    body.clear();
  };
  for_each_line(bytes, [&](std::string_view l, size_t) {
    if (is_archive_name(l)) {
      flush();
      name = l.substr(0, l.size() - 1);
      return;
    }
    body.append(l);
    body.push_back('\n');
  });
  flush();
  return out;
}

bool parse_kdump_dmesg(std::string_view name, std::string_view bytes, PstoreRecord* out,
                       std::string* error) {
  out->name.assign(name);
  out->reason = "kdump";
  for_each_line(bytes, [&](std::string_view l, size_t) {
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    PstoreLine pl;
    if (parse_line(l, &pl) || parse_timed_text(l, 0, &pl))
      out->lines.push_back(std::move(pl));
    else if (!l.empty())
      ++out->bad_lines;
  });
  if (out->lines.empty()) {
    *error = std::string(name) + ": no kernel log lines (\"[seconds] text\")";
    return false;
  }
  return true;
}

std::vector<PstoreRecord> join_pstore_dumps(std::vector<PstoreRecord> records) {
  // copies of one record (/sys/fs/pstore and systemd-pstore's archive) are kept once
  auto same = [](const PstoreRecord& a, const PstoreRecord& b) {
    return a.reason == b.reason && a.count == b.count && a.part == b.part &&
           a.lines.size() == b.lines.size() &&
           (a.lines.empty() || (a.lines.front().ts_usec == b.lines.front().ts_usec &&
                                a.lines.back().ts_usec == b.lines.back().ts_usec &&
                                a.lines.back().text == b.lines.back().text));
  };
  std::vector<PstoreRecord> unique;
  for (PstoreRecord& r : records) {
    bool copy = false;
    for (const PstoreRecord& u : unique) copy = copy || same(u, r);
    if (!copy) unique.push_back(std::move(r));
  }
  // the parts of one dump (same reason and count, each part once) joined, the highest first;
  // a group with a part twice holds dumps of several boots: those stay as they are
  std::map<std::pair<std::string, int>, std::vector<PstoreRecord>> dumps;
  std::vector<PstoreRecord> out;
  for (PstoreRecord& r : unique) {
    if (r.reason.empty())
      out.push_back(std::move(r));
    else
      dumps[{r.reason, r.count}].push_back(std::move(r));
  }
  for (auto& [key, parts] : dumps) {
    std::stable_sort(parts.begin(), parts.end(),
                     [](const PstoreRecord& a, const PstoreRecord& b) { return a.part > b.part; });
    bool twice = false;
    for (size_t i = 1; i < parts.size(); ++i) twice = twice || parts[i].part == parts[i - 1].part;
    if (twice || parts.size() == 1) {
      for (PstoreRecord& p : parts) out.push_back(std::move(p));
      continue;
    }
    PstoreRecord joined;
    joined.name = parts.back().name;  // Part1's
    joined.reason = key.first;
    joined.count = key.second;
    for (PstoreRecord& p : parts) {
      joined.bad_lines += p.bad_lines;
      for (PstoreLine& l : p.lines) joined.lines.push_back(std::move(l));
    }
    out.push_back(std::move(joined));
  }
  return out;
}

}  // namespace klogd
