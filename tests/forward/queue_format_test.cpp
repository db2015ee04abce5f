// The queue's file format: entries written and found again, damage skipped to the next good
// entry by its magic, the cursor's checksum.
#include "forward/queue_format.h"

#include <catch2/catch.hpp>

using namespace klogd::queue_format;

TEST_CASE("queue format: entries, and a damaged one skipped to the next", "[forward]") {
  std::string seg;
  append_entry(7, "first", &seg);
  const size_t second_at = seg.size();
  append_entry(8, "second", &seg);
  append_entry(9, "third", &seg);
  Entry e;
  REQUIRE(entry_at(seg, 0, 0, &e));
  CHECK(e.q == 7);
  CHECK(e.frame == "first");
  CHECK(e.offset == 0);
  CHECK(e.end == second_at);
  REQUIRE(entry_at(seg, e.end, 8, &e));
  CHECK(e.frame == "second");
  CHECK_FALSE(entry_at(seg, 0, 8, &e));  // q 7 is below what is wanted
  // a byte of the second entry flipped: its crc fails; the third is found by its magic
  std::string damaged = seg;
  damaged[second_at + kEntryHeader + 2] ^= 0x20;
  CHECK_FALSE(entry_at(damaged, second_at, 0, &e));
  REQUIRE(next_entry(damaged, second_at, 0, &e));
  CHECK(e.q == 9);
  CHECK(e.frame == "third");
  // cut short: no whole entry
  CHECK_FALSE(entry_at(seg.substr(0, second_at + 5), second_at, 0, &e));
  CHECK(segment_name(42) == "00000000000000000042.seg");
}

TEST_CASE("queue format: the cursor, and one that is damaged", "[forward]") {
  const std::string c = encode_cursor(123456, 7);
  REQUIRE(c.size() == kCursorSize);
  uint64_t next = 0, drops = 0;
  REQUIRE(decode_cursor(c, &next, &drops));
  CHECK(next == 123456u);
  CHECK(drops == 7u);
  std::string bad = c;
  bad[3] ^= 1;
  CHECK_FALSE(decode_cursor(bad, &next, &drops));
  CHECK_FALSE(decode_cursor(c.substr(0, 10), &next, &drops));
}
