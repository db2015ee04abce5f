#pragma once
/// Hex spellings used in messages and output, in one place.
#include <cstdint>
#include <cstdio>
#include <string>

namespace klogd {

/// "ffffffff81000000": 16 digits, no prefix (how the kernel prints a 64-bit address).
inline std::string hex16(uint64_t v) {
  char b[24];
  std::snprintf(b, sizeof b, "%016llx", static_cast<unsigned long long>(v));
  return b;
}

/// "0x1be00000"
inline std::string hex0x(uint64_t v) {
  char b[24];
  std::snprintf(b, sizeof b, "0x%llx", static_cast<unsigned long long>(v));
  return b;
}

/// "0x1be00000" or "-0x1000" (a KASLR slide can be negative against a map).
inline std::string signed_hex(int64_t v) {
  return v < 0 ? "-" + hex0x(static_cast<uint64_t>(-v)) : hex0x(static_cast<uint64_t>(v));
}

}  // namespace klogd
