#include "kmsg/pstore_record.h"

#include <zlib.h>

#include <algorithm>
#include <map>

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
  if (i >= l.size() || l[i] != '[') return false;
  ++i;
  while (i < l.size() && l[i] == ' ') ++i;
  auto sec = read_decimal(l, &i);
  if (!sec || i >= l.size() || l[i] != '.') return false;
  const size_t frac = ++i;
  auto us = read_decimal(l, &i);
  if (!us || i >= l.size() || l[i] != ']' || i - frac > 9 || *sec > 1000000000000ull) return false;
  uint64_t micro = *us;
  for (size_t d = i - frac; d < 6; ++d) micro *= 10;
  for (size_t d = i - frac; d > 6; --d) micro /= 10;
  out->ts_usec = *sec * 1000000 + micro;
  ++i;
  if (i < l.size() && l[i] == ' ') ++i;
  out->text.assign(l.substr(i));
  return true;
}

// "<4>[    2.907674] text"; "<14>[...]" for a user record (facility 1): the kernel's syslog form.
bool parse_line(std::string_view l, PstoreLine* out) {
  if (l.size() < 4 || l[0] != '<') return false;
  size_t i = 1;
  auto prio = read_decimal(l, &i);
  if (!prio || i > 4 || i >= l.size() || l[i] != '>' || *prio > 191) return false;
  out->level = static_cast<int>(*prio & 7);
  out->facility = static_cast<int>(*prio >> 3);
  return parse_timed_text(l, i + 1, out);
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

bool looks_like_pstore(std::string_view bytes) {
  PstoreRecord r;
  return parse_header(bytes.substr(0, bytes.find('\n')), &r);
}

bool parse_pstore_record(std::string_view name, std::string_view bytes, PstoreRecord* out,
                         std::string* error) {
  out->name.assign(name);
  std::string text;
  if (name.ends_with(".enc.z")) {
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
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
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
    if (l.ends_with(':') && l.find(' ') == std::string_view::npos && !l.starts_with('<')) {
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
