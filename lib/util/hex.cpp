#include "util/hex.h"

#include <array>

namespace klogd {
namespace {

// Hex digit values, -1 for anything else: one table lookup per character on the load path.
constexpr auto kHexTable = [] {
  std::array<int8_t, 256> t{};
  for (int c = 0; c < 256; ++c)
    t[static_cast<size_t>(c)] = static_cast<int8_t>(hex_digit(static_cast<char>(c)));
  return t;
}();

}  // namespace

bool parse_hex_u64(std::string_view s, uint64_t* out) {
  if (s.empty() || s.size() > 16) return false;
  uint64_t v = 0;
  int bad = 0;
  for (char c : s) {
    int d = kHexTable[static_cast<unsigned char>(c)];
    bad |= d;  // any -1 sets the sign bit
    v = v << 4 | static_cast<uint64_t>(d & 15);
  }
  if (bad < 0) return false;
  *out = v;
  return true;
}

bool read_0x_hex(std::string_view t, size_t* pos, uint64_t* out) {
  size_t p = *pos;
  if (p + 2 >= t.size() || t[p] != '0' || t[p + 1] != 'x') return false;
  size_t s = p + 2, e = s;
  while (e < t.size() && e - s < 16 && is_hex_digit(t[e])) ++e;
  if (e == s || !parse_hex_u64(t.substr(s, e - s), out)) return false;
  *pos = e;
  return true;
}

void append_hex(std::string* out, uint64_t v, int min_digits) {
  char buf[17];
  int n = 0;
  do {
    buf[n++] = "0123456789abcdef"[v & 15];
    v >>= 4;
  } while (v);
  while (n < min_digits && n < 16) buf[n++] = '0';
  while (n) out->push_back(buf[--n]);
}

std::string hex16(uint64_t v) {
  std::string s;
  append_hex(&s, v, 16);
  return s;
}

std::string hex0x(uint64_t v) {
  std::string s = "0x";
  append_hex(&s, v);
  return s;
}

std::string signed_hex(int64_t v) {
  return v < 0 ? "-" + hex0x(static_cast<uint64_t>(-v)) : hex0x(static_cast<uint64_t>(v));
}

std::string hex_bytes(const unsigned char* bytes, size_t n) {
  std::string out;
  out.reserve(2 * n);
  for (size_t i = 0; i < n; ++i) {
    out.push_back("0123456789abcdef"[bytes[i] >> 4]);
    out.push_back("0123456789abcdef"[bytes[i] & 15]);
  }
  return out;
}

}  // namespace klogd
