// Hex reading: the 16-digit fast path reads every input as the digit-by-digit reader does.
#include "util/hex.h"

#include <catch2/catch.hpp>
#include <random>
#include <string>

using namespace klogd;

TEST_CASE("hex: sixteen digits eight at a time, as the plain reader reads them", "[util]") {
  uint64_t v = 0;
  REQUIRE(parse_hex16("ffffffff81000000", &v));
  CHECK(v == 0xffffffff81000000ull);
  REQUIRE(parse_hex16("0123456789ABCDEF", &v));
  CHECK(v == 0x0123456789abcdefull);
  for (const char* bad :
       {"ffffffff8100000g", "fffffff 81000000", "ffffffff:1000000", "/fffffff81000000",
        "@fffffff81000000", "`fffffff81000000", "Gfffffff81000000"})
    CHECK_FALSE(parse_hex16(bad, &v));
  // every byte value in every position, and random strings, against parse_hex_u64
  std::mt19937 rng(7);
  const std::string alphabet = "0123456789abcdefABCDEFgG/:@`xX \xff\x80";
  for (int i = 0; i < 200000; ++i) {
    std::string s(16, '0');
    for (char& c : s) c = alphabet[rng() % alphabet.size()];
    if (i < 16 * 256) s[i % 16] = static_cast<char>(i / 16);
    uint64_t a = 0, b = 0;
    const bool fast = parse_hex16(s.data(), &a), plain = parse_hex_u64(s, &b);
    REQUIRE(fast == plain);
    if (fast) REQUIRE(a == b);
  }
}
