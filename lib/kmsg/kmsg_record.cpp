#include "kmsg/kmsg_record.h"

#include <cstring>
#include <optional>

#include "util/hex.h"
#include "util/text.h"

namespace klogd {
namespace {

// An unsigned decimal field; rejects empty fields, signs, spaces and overflow.
bool parse_u64(std::string_view s, uint64_t* out) {
  std::optional<uint64_t> v = parse_decimal(s);
  if (v) *out = *v;
  return v.has_value();
}

// Splits off the next comma-separated field of the header.
std::string_view next_field(std::string_view* rest, bool* found) {
  if (rest->empty() && !*found) return {};
  size_t comma = rest->find(',');
  std::string_view field = rest->substr(0, comma);
  if (comma == std::string_view::npos) {
    *rest = {};
    *found = false;
  } else {
    rest->remove_prefix(comma + 1);
    *found = true;
  }
  return field;
}

}  // namespace

std::string_view KmsgRecord::dict_value(std::string_view key) const {
  for (const auto& [k, v] : dict)
    if (k == key) return v;
  return {};
}

std::string_view to_string(ParseError e) {
  switch (e) {
    case ParseError::kOk:
      return "ok";
    case ParseError::kEmpty:
      return "empty record";
    case ParseError::kTooLong:
      return "record longer than the parser's limit";
    case ParseError::kNulByte:
      return "NUL byte in record";
    case ParseError::kNoSemicolon:
      return "no ';' after the header";
    case ParseError::kMissingField:
      return "header has fewer than 3 fields";
    case ParseError::kBadNumber:
      return "non-numeric or out-of-range header field";
    case ParseError::kBadFlags:
      return "unknown flags field";
    case ParseError::kTruncated:
      return "truncated record (no final newline)";
    case ParseError::kBadDictionary:
      return "malformed dictionary line";
  }
  return "unknown error";
}

void decode_kmsg_escapes(std::string_view in, std::string* out) {
  out->clear();
  out->reserve(in.size());
  size_t i = 0;
  while (i < in.size()) {
    const char* bs = static_cast<const char*>(std::memchr(in.data() + i, '\\', in.size() - i));
    size_t stop = bs ? static_cast<size_t>(bs - in.data()) : in.size();
    out->append(in.data() + i, stop - i);
    i = stop;
    if (i >= in.size()) break;
    if (i + 3 < in.size() && in[i + 1] == 'x') {
      int hi = hex_digit(in[i + 2]), lo = hex_digit(in[i + 3]);
      if (hi >= 0 && lo >= 0) {
        out->push_back(static_cast<char>(hi * 16 + lo));
        i += 4;
        continue;
      }
    }
    out->push_back('\\');
    ++i;
  }
}

std::string decode_kmsg_escapes(std::string_view in) {
  std::string out;
  decode_kmsg_escapes(in, &out);
  return out;
}

ParseError parse_kmsg_record(std::string_view buf, KmsgRecord* out, bool require_newline) {
  if (buf.empty()) return ParseError::kEmpty;
  if (buf.size() > kMaxRecordBytes) return ParseError::kTooLong;
  if (std::memchr(buf.data(), '\0', buf.size())) return ParseError::kNulByte;
  if (buf.back() == '\n') {
    buf.remove_suffix(1);
  } else if (require_newline) {
    return ParseError::kTruncated;
  }

  size_t semi = buf.find(';');
  // The header never holds a newline; a ';' found after one belongs to the dictionary.
  if (semi == std::string_view::npos || std::memchr(buf.data(), '\n', semi))
    return ParseError::kNoSemicolon;

  std::string_view header = buf.substr(0, semi);
  std::string_view rest = header;
  bool more = false;
  std::string_view f_prio = next_field(&rest, &more);
  if (!more) return ParseError::kMissingField;
  std::string_view f_seq = next_field(&rest, &more);
  if (!more) return ParseError::kMissingField;
  std::string_view f_ts = next_field(&rest, &more);
  // The flags field is absent on 3.5 kernels; of the later fields, caller= is kept (the task
  // or CPU that printed, with CONFIG_PRINTK_CALLER), any other is ignored.
  std::string_view f_flags = more ? next_field(&rest, &more) : std::string_view{};
  std::string_view caller = f_flags.starts_with("caller=") ? f_flags : std::string_view{};
  while (more) {
    std::string_view f = next_field(&rest, &more);
    if (f.starts_with("caller=")) caller = f;
  }

  uint64_t prio = 0, seq = 0, ts = 0;
  if (!parse_u64(f_prio, &prio) || !parse_u64(f_seq, &seq) || !parse_u64(f_ts, &ts))
    return ParseError::kBadNumber;
  if (prio > 1023) return ParseError::kBadNumber;  // facility is at most 127 in the kernel's ABI
  bool cont = false;
  if (!f_flags.empty()) {
    // The kernel writes '-' or 'c'; older kernels also wrote '+' (continuation of a previous
    // record). Anything longer is a different field (e.g. 3.5 had none): accept, ignore.
    if (f_flags == "c" || f_flags == "+") {
      cont = true;
    } else if (f_flags != "-" && f_flags.find('=') == std::string_view::npos) {
      return ParseError::kBadFlags;
    }
  }

  std::string_view body = buf.substr(semi + 1);
  size_t nl = body.find('\n');
  std::string_view text = body.substr(0, nl);
  out->facility = static_cast<int>(prio >> 3);
  out->level = static_cast<int>(prio & 7);
  out->seq = seq;
  out->ts_usec = ts;
  out->continuation = cont;
  out->caller.assign(caller.empty() ? caller : caller.substr(7));
  decode_kmsg_escapes(text, &out->text);
  out->dict.clear();

  while (nl != std::string_view::npos) {
    body.remove_prefix(nl + 1);
    nl = body.find('\n');
    std::string_view line = body.substr(0, nl);
    if (line.empty() && nl == std::string_view::npos) break;
    if (line.size() < 3 || line[0] != ' ') return ParseError::kBadDictionary;
    line.remove_prefix(1);
    size_t eq = line.find('=');
    if (eq == 0 || eq == std::string_view::npos) return ParseError::kBadDictionary;
    out->dict.emplace_back(std::string(line.substr(0, eq)),
                           decode_kmsg_escapes(line.substr(eq + 1)));
  }
  return ParseError::kOk;
}

}  // namespace klogd
