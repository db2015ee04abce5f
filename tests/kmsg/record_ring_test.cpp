// The reading thread's hand-off: one producer thread, one consumer, records of every size, the
// ring wrapping many times and filling up.
#include "kmsg/record_ring.h"

#include <poll.h>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <cstring>
#include <string>
#include <thread>

using namespace klogd;

namespace {

std::string record(int i) {
  // sizes from 0 to a few KiB, contents that name the record
  std::string s = "record " + std::to_string(i) + " ";
  s.append(static_cast<size_t>((i * 7919) % 3000), static_cast<char>('a' + i % 26));
  return s;
}

}  // namespace

TEST_CASE("record ring: every entry arrives once, in order, whole, across wraps", "[kmsg]") {
  RecordRing ring(64 * 1024);  // small: it wraps and fills many times
  const int total = 20000;
  std::thread producer([&] {
    for (int i = 0; i < total; ++i) {
      std::string r = record(i);
      std::span<char> room = ring.begin_write(16385);
      REQUIRE(room.size() == 16385);
      std::memcpy(room.data(), r.data(), r.size());
      ring.commit(i % 100 == 0 ? RecordRing::Kind::kOverrun : RecordRing::Kind::kRecord, r.size());
    }
    ring.put(RecordRing::Kind::kEnd);
  });
  int next = 0;
  bool ended = false;
  while (!ended) {
    RecordRing::Entry e;
    if (!ring.peek(&e)) {
      if (ring.sleep()) {  // wait on the eventfd, as the loop does
        pollfd p{ring.wake_fd(), POLLIN, 0};
        ::poll(&p, 1, 1000);
        ring.woken();
      }
      continue;
    }
    if (e.kind == RecordRing::Kind::kEnd) {
      ended = true;
    } else {
      REQUIRE(next < total);
      CHECK(e.kind == (next % 100 == 0 ? RecordRing::Kind::kOverrun : RecordRing::Kind::kRecord));
      REQUIRE(e.bytes == record(next));
      ++next;
    }
    ring.pop();
  }
  producer.join();
  CHECK(next == total);
}

TEST_CASE("record ring: a full ring makes the writer wait until the reader frees room", "[kmsg]") {
  RecordRing ring(4096);
  for (int i = 0; i < 4; ++i) {  // 4 x (8 + 1000) bytes: 64 left
    REQUIRE(ring.begin_write(1000).size() == 1000);
    ring.commit(RecordRing::Kind::kRecord, 1000);
  }
  std::atomic<int> got{0};
  std::thread writer([&] {
    got = ring.begin_write(1000).empty() ? -1 : 1;  // waits: no room
    if (got == 1) ring.commit(RecordRing::Kind::kRecord, 1000);
    got = ring.begin_write(3000).empty() ? -2 : 2;  // waits again, until close()
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CHECK(got.load() == 0);
  RecordRing::Entry e;
  REQUIRE(ring.peek(&e));
  ring.pop();  // room for one
  for (int i = 0; i < 100 && got.load() == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  CHECK(got.load() == 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CHECK(got.load() == 1);  // the second waits
  ring.close();
  writer.join();
  CHECK(got.load() == -2);  // released empty-handed
}

TEST_CASE("record ring: a full ring wakes a consumer that lingers, and only then", "[kmsg]") {
  RecordRing ring(4096);
  auto readable = [&] {
    pollfd p{ring.wake_fd(), POLLIN, 0};
    return ::poll(&p, 1, 0) == 1;
  };
  ring.linger();  // the consumer lets entries gather on a timer
  for (int i = 0; i < 3; ++i) {
    REQUIRE(ring.begin_write(1000).size() == 1000);
    ring.commit(RecordRing::Kind::kRecord, 1000);
  }
  CHECK_FALSE(readable());  // room left: no wake-up
  std::thread writer([&] {
    for (int i = 0; i < 2; ++i) {  // the second does not fit: the writer wakes the consumer
      if (ring.begin_write(1000).empty()) return;
      ring.commit(RecordRing::Kind::kRecord, 1000);
    }
  });
  for (int i = 0; i < 200 && !readable(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  CHECK(readable());
  ring.woken();  // the loop's turn: it frees room
  CHECK_FALSE(readable());
  RecordRing::Entry e;
  int got = 0;
  for (int i = 0; i < 400 && got < 5; ++i) {
    if (ring.peek(&e)) {
      ring.pop();
      ++got;
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  writer.join();
  CHECK(got == 5);
}
