#include "util/hex.h"

#include <cstring>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

#if !defined(__SSE2__)
namespace {

constexpr uint64_t kOnes = 0x0101010101010101ULL, kHigh = 0x8080808080808080ULL;

// Eight ASCII hex digits, the first the most significant, as one 32-bit value; false when one
// is not a hex digit. Each byte is range-checked at once: for a byte b < 0x80, b + (0x80 - n)
// has its high bit set exactly when b >= n.
bool hex8(uint64_t x, uint32_t* out) {
  if (x & kHigh) return false;
  const uint64_t lower = x | 0x2020202020202020ULL;  // 'A'-'F' as 'a'-'f' ('0'-'9' unchanged)
  const uint64_t digit = ((x + (0x80 - '0') * kOnes) & ~(x + (0x80 - '9' - 1) * kOnes)) & kHigh;
  const uint64_t letter =
      ((lower + (0x80 - 'a') * kOnes) & ~(lower + (0x80 - 'f' - 1) * kOnes)) & kHigh;
  if ((digit | letter) != kHigh) return false;
  uint64_t nib = (x & 0x0F0F0F0F0F0F0F0FULL) + ((x >> 6) & kOnes) * 9;  // '0' 0 .. 'f' 15
  nib = __builtin_bswap64(nib);  // the first digit in the top byte
  nib = (nib | (nib >> 4)) & 0x00FF00FF00FF00FFULL;
  nib = (nib | (nib >> 8)) & 0x0000FFFF0000FFFFULL;
  nib = (nib | (nib >> 16)) & 0x00000000FFFFFFFFULL;
  *out = static_cast<uint32_t>(nib);
  return true;
}

}  // namespace
#endif

bool parse_hex16(const char* p, uint64_t* out) {
#if defined(__SSE2__)
  // All sixteen at once: each byte checked for '0'-'9' and 'a'-'f' / 'A'-'F' (a byte of 0x80 or
  // more is negative to the signed compares, so it fails both), made its value, and the pairs
  // of values packed into bytes, the first digit the most significant.
  const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const __m128i lower = _mm_or_si128(x, _mm_set1_epi8(0x20));
  const __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8('0' - 1)),
                                      _mm_cmplt_epi8(x, _mm_set1_epi8('9' + 1)));
  const __m128i letter = _mm_and_si128(_mm_cmpgt_epi8(lower, _mm_set1_epi8('a' - 1)),
                                       _mm_cmplt_epi8(lower, _mm_set1_epi8('f' + 1)));
  if (_mm_movemask_epi8(_mm_or_si128(digit, letter)) != 0xFFFF) return false;
  const __m128i nib =
      _mm_add_epi8(_mm_and_si128(x, _mm_set1_epi8(0x0F)), _mm_and_si128(letter, _mm_set1_epi8(9)));
  // each 16-bit lane holds (first digit, second digit): first << 4 | second
  const __m128i pairs = _mm_or_si128(_mm_slli_epi16(_mm_and_si128(nib, _mm_set1_epi16(0x00FF)), 4),
                                     _mm_srli_epi16(nib, 8));
  const uint64_t bytes =
      static_cast<uint64_t>(_mm_cvtsi128_si64(_mm_packus_epi16(pairs, _mm_setzero_si128())));
  *out = __builtin_bswap64(bytes);
  return true;
#else
  uint64_t a = 0, b = 0;
  std::memcpy(&a, p, 8);
  std::memcpy(&b, p + 8, 8);
  uint32_t hi = 0, lo = 0;
  if (!hex8(a, &hi) || !hex8(b, &lo)) return false;
  *out = static_cast<uint64_t>(hi) << 32 | lo;
  return true;
#endif
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
