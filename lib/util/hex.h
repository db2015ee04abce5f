#pragma once
/// Hex digits in one place: parsing them (addresses in maps, records, logs) and spelling them in
/// messages and output.

#include <cstdint>
#include <string>
#include <string_view>

namespace klogd {

/// The value of a hex digit (either case), or -1.
constexpr int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
constexpr bool is_hex_digit(char c) { return hex_digit(c) >= 0; }
/// A character of a word (letters, digits, '_'): what a hex token must not touch to stand alone.
constexpr bool is_word_char(char c) {
  return is_hex_digit(c) || (c >= 'g' && c <= 'z') || (c >= 'G' && c <= 'Z') || c == '_';
}

/// Parses 1 to 16 hex digits, no prefix; false on anything else. (The map loader's hot path.)
bool parse_hex_u64(std::string_view s, uint64_t* out);

/// Exactly 16 hex digits at `p` (the width of every 64-bit map and kallsyms address), eight at a
/// time (SWAR): the symbol tables' load reads one per line. False when one is not a hex digit.
bool parse_hex16(const char* p, uint64_t* out);

/// Reads "0x" and 1 to 16 hex digits at t[*pos]; on success advances *pos past them.
bool read_0x_hex(std::string_view t, size_t* pos, uint64_t* out);

/// Appends `v` in lower-case hex, no prefix, at least `min_digits` digits.
void append_hex(std::string* out, uint64_t v, int min_digits = 1);

/// `n` bytes as 2n lower-case hex digits (a digest, a build ID).
std::string hex_bytes(const unsigned char* bytes, size_t n);

/// "ffffffff81000000": 16 digits, no prefix (how the kernel prints a 64-bit address).
std::string hex16(uint64_t v);
/// "0x1be00000"
std::string hex0x(uint64_t v);
/// "0x1be00000" or "-0x1000" (a KASLR slide can be negative against a map).
std::string signed_hex(int64_t v);

}  // namespace klogd
