#include "util/text.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <cstring>

namespace klogd {

std::optional<uint64_t> parse_decimal(std::string_view s) {
  size_t at = 0;
  std::optional<uint64_t> v = read_decimal(s, &at);
  return v && at == s.size() ? v : std::nullopt;
}

std::optional<uint64_t> read_decimal(std::string_view s, size_t* at) {
  if (*at >= s.size() || s[*at] < '0' || s[*at] > '9') return std::nullopt;
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data() + *at, s.data() + s.size(), v);
  if (ec != std::errc()) return std::nullopt;
  *at = static_cast<size_t>(end - s.data());
  return v;
}
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

void append_byte_escape(unsigned char u, std::string* out) {
  out->append("\\x");
  out->push_back(kHexDigits[u >> 4]);
  out->push_back(kHexDigits[u & 15]);
}

// The length of the well-formed UTF-8 sequence at s[i] (RFC 3629: no overlong forms, no
// surrogates, nothing above U+10FFFF), or 0.
size_t utf8_sequence(std::string_view s, size_t i) {
  auto u = static_cast<unsigned char>(s[i]);
  size_t len = u >= 0xf0 && u <= 0xf4 ? 4 : u >= 0xe0 ? 3 : u >= 0xc2 && u <= 0xdf ? 2 : 0;
  if (len == 0 || i + len > s.size()) return 0;
  for (size_t k = 1; k < len; ++k)
    if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return 0;
  auto b1 = static_cast<unsigned char>(s[i + 1]);
  if (len == 3 && ((u == 0xe0 && b1 < 0xa0) || (u == 0xed && b1 >= 0xa0))) return 0;
  if (len == 4 && ((u == 0xf0 && b1 < 0x90) || (u == 0xf4 && b1 >= 0x90))) return 0;
  return len;
}

}  // namespace

size_t find_literal(std::string_view s, std::string_view what, size_t from) {
  // how common a byte is in a kernel log: the 64 commonest printable bytes of the test corpora
  // (syzkaller's reports, a Debian boot), commonest first; any other byte is rarer. Hex digits
  // and '_' (every function's name), '[' and ':' are far from rare in a crash report.
  static const std::array<uint8_t, 256> kCommon = [] {
    std::array<uint8_t, 256> c{};
    const std::string_view order =
        " 0f1e2843[]65a_7xc9t.rdso:nilb/+puTmRkC=gvh-yS?)(IPwAEDG,NXL>BOq";
    for (size_t i = 0; i < order.size(); ++i)
      c[static_cast<unsigned char>(order[i])] = static_cast<uint8_t>(255 - 3 * i);
    return c;
  }();
  if (what.size() < 2 || from >= s.size()) return s.find(what, from);
  if (what.size() > s.size() - from) return std::string_view::npos;
  // the rarest byte of `what` (searched with memchr) and the next rarest (looked at before the
  // rest is compared: a common anchor's every hit would otherwise cost a call to memcmp)
  auto common = [&](size_t i) { return kCommon[static_cast<unsigned char>(what[i])]; };
  size_t anchor = 0, second = 1;
  if (common(1) < common(0)) std::swap(anchor, second);
  for (size_t i = 2; i < what.size(); ++i) {
    if (common(i) < common(anchor)) {
      second = anchor;
      anchor = i;
    } else if (common(i) < common(second)) {
      second = i;
    }
  }
  const char byte = what[anchor], check = what[second];
  const ptrdiff_t to_check = static_cast<ptrdiff_t>(second) - static_cast<ptrdiff_t>(anchor);
  const char* const begin = s.data();
  const char* const last = begin + s.size() - (what.size() - anchor - 1);  // past the last anchor
  for (const char* p = begin + from + anchor; p < last;) {
    const void* hit = std::memchr(p, byte, static_cast<size_t>(last - p));
    if (!hit) break;
    const char* h = static_cast<const char*>(hit);
    if (h[to_check] == check && std::memcmp(h - anchor, what.data(), what.size()) == 0)
      return static_cast<size_t>(h - anchor - begin);
    p = h + 1;
  }
  return std::string_view::npos;
}

std::string_view trim_right(std::string_view s, std::string_view chars) {
  size_t end = s.find_last_not_of(chars);
  return end == std::string_view::npos ? std::string_view{} : s.substr(0, end + 1);
}

void trim_right(std::string* s, std::string_view chars) {
  s->resize(trim_right(std::string_view(*s), chars).size());
}

std::vector<std::string_view> split_fields(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    size_t j = i;
    while (j < line.size() && line[j] != ' ' && line[j] != '\t') ++j;
    if (j > i) out.push_back(line.substr(i, j - i));
    i = j;
  }
  return out;
}

void append_escaped_control(std::string_view in, std::string* out) {
  // Runs of ordinary bytes go in one append (this runs for every record of every sink).
  size_t start = 0;
  for (size_t i = 0; i < in.size(); ++i) {
    auto u = static_cast<unsigned char>(in[i]);
    if (u >= 0x20 && u != 0x7f) continue;
    out->append(in.data() + start, i - start);
    append_byte_escape(u, out);
    start = i + 1;
  }
  out->append(in.data() + start, in.size() - start);
}

std::string escape_control(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  append_escaped_control(in, &out);
  return out;
}

void append_utf8_safe(std::string_view in, std::string* out) {
  size_t i = 0;
  while (i < in.size()) {
    auto u = static_cast<unsigned char>(in[i]);
    if (u < 0x20 || u == 0x7f || u == '\\') {
      append_byte_escape(u, out);
      ++i;
    } else if (u < 0x80) {
      out->push_back(static_cast<char>(u));
      ++i;
    } else if (size_t len = utf8_sequence(in, i)) {
      out->append(in.substr(i, len));
      i += len;
    } else {
      append_byte_escape(u, out);
      ++i;
    }
  }
}

size_t utf8_cut(std::string_view s, size_t max) {
  if (max >= s.size()) return s.size();
  size_t n = max;
  // Back up over continuation bytes to the start of the sequence that the cut would split.
  size_t back = 0;
  while (n > 0 && back < 3 && (static_cast<unsigned char>(s[n]) & 0xc0) == 0x80) {
    --n;
    ++back;
  }
  if (back == 0) return max;  // s[max] starts a character (or is a stray byte)
  size_t len = utf8_sequence(s, n);
  return len > 0 && n + len > max ? n : max;  // a real character that the cut would split
}

size_t escape_cut(std::string_view s, size_t max) {
  size_t n = utf8_cut(s, max);
  // A "\xNN" escape is 4 bytes: one that starts in the last 3 bytes kept would be split.
  for (size_t back = 1; back <= 3 && back <= n; ++back) {
    size_t at = n - back;
    if (s[at] == '\\' && (at + 1 == n || s[at + 1] == 'x')) return at;
  }
  return n;
}

std::string cut_message(std::string m, size_t max) {
  if (m.size() <= max) return m;
  size_t keep = escape_cut(m, max > 64 ? max - 64 : max / 2);
  size_t cut = m.size() - keep;
  m.resize(keep);
  m += " [klogd: truncated " + std::to_string(cut) + " bytes]";
  return m;
}

void append_json_string(std::string_view s, std::string* out) {
  out->push_back('"');
  size_t i = 0;
  while (i < s.size()) {
    auto u = static_cast<unsigned char>(s[i]);
    if (u == '"' || u == '\\') {
      out->push_back('\\');
      out->push_back(static_cast<char>(u));
      ++i;
    } else if (u < 0x20 || u == 0x7f) {
      char b[8];
      std::snprintf(b, sizeof b, "\\u%04x", u);
      out->append(b);
      ++i;
    } else if (u < 0x80) {
      out->push_back(static_cast<char>(u));
      ++i;
    } else if (size_t len = utf8_sequence(s, i)) {
      out->append(s.substr(i, len));
      i += len;
    } else {
      // Not UTF-8 (a damaged serial line, a Comm: in another encoding): the byte as the text
      // \xNN, as everywhere else in klogd, so that the string stays valid UTF-8.
      char b[8];
      std::snprintf(b, sizeof b, "\\\\x%02x", u);
      out->append(b);
      ++i;
    }
  }
  out->push_back('"');
}

std::vector<std::string_view> normal_path_parts(std::string_view path, bool rooted) {
  std::vector<std::string_view> parts;
  size_t at = 0;
  while (at <= path.size()) {
    size_t slash = path.find('/', at);
    if (slash == std::string_view::npos) slash = path.size();
    const std::string_view c = path.substr(at, slash - at);
    if (c == "..") {
      if (!parts.empty() && parts.back() != "..")
        parts.pop_back();
      else if (!rooted)
        parts.push_back(c);
    } else if (!c.empty() && c != ".") {
      parts.push_back(c);
    }
    at = slash + 1;
  }
  return parts;
}

uint64_t line_slot(std::string_view line) {
  auto word = [&](size_t at) {
    uint64_t w = 0;
    if (line.size() - at >= 8)
      std::memcpy(&w, line.data() + at, 8);  // one load
    else
      std::memcpy(&w, line.data() + at, line.size() - at);
    return w;
  };
  const size_t n = line.size();
  uint64_t h = n * 0x9e3779b97f4a7c15ull;
  if (n > 0) {
    h ^= word(0) * 0xff51afd7ed558ccdull;
    h ^= word(n / 2) * 0xc4ceb9fe1a85ec53ull;
    h ^= word(n > 8 ? n - 8 : 0) * 0x9fb21c651e98df25ull;
  }
  return h ^ (h >> 29) ^ (h >> 47);
}

}  // namespace klogd
