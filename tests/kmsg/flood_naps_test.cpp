// When the reading thread blocks and when it naps: a trickle or a steady 20,000 records/s never
// naps; a flood naps short while it goes on, then long, then blocks again.
#include "kmsg/flood_naps.h"

#include <catch2/catch.hpp>

using namespace klogd;
using namespace std::chrono_literals;
using Nap = std::optional<std::chrono::nanoseconds>;

TEST_CASE("flood naps: a trickle and a steady log block", "[kmsg]") {
  FloodNaps naps;
  auto t = FloodNaps::Clock::time_point{} + 1h;
  for (int i = 0; i < 100; ++i) CHECK_FALSE(naps.wait(1, t + i * 1ms).has_value());
  // 20,000 records/s, woken a tick (4 ms) late each time: 80 records a wake-up
  for (int i = 0; i < 100; ++i) CHECK_FALSE(naps.wait(80, t + 1s + i * 4ms).has_value());
  CHECK_FALSE(naps.wait(FloodNaps::kFloodRecords - 1, t + 2s).has_value());
}

TEST_CASE("flood naps: a flood naps until it has been over a while", "[kmsg]") {
  FloodNaps naps;
  auto t = FloodNaps::Clock::time_point{} + 1h;
  CHECK(naps.wait(1000, t) == Nap(FloodNaps::kShortNap));  // a tick's worth at 250,000/s
  // naps that find 25 records each (250,000/s): the flood goes on, however long
  for (int i = 1; i <= 1000; ++i)
    REQUIRE(naps.wait(25, t + i * 100us) == Nap(FloodNaps::kShortNap));
  t += 100ms;
  // it stops: short naps for a while, then long ones, then a block
  CHECK(naps.wait(0, t + FloodNaps::kShortFor - 100us) == Nap(FloodNaps::kShortNap));
  CHECK(naps.wait(0, t + FloodNaps::kShortFor + 1ms) == Nap(FloodNaps::kLongNap));
  CHECK(naps.wait(0, t + FloodNaps::kNapFor - 1ms) == Nap(FloodNaps::kLongNap));
  CHECK_FALSE(naps.wait(0, t + FloodNaps::kNapFor + 1ms).has_value());
  CHECK_FALSE(naps.wait(1, t + FloodNaps::kNapFor + 1s).has_value());
}

TEST_CASE("flood naps: a flood that slows to a steady log stops napping", "[kmsg]") {
  FloodNaps naps;
  auto t = FloodNaps::Clock::time_point{} + 1h;
  REQUIRE(naps.wait(1000, t).has_value());
  // 20,000 records/s: 20 a millisecond, in 100 µs naps
  int blocked_at = -1;
  for (int i = 1; i <= 5000 && blocked_at < 0; ++i)
    if (!naps.wait(i % 10 == 0 ? 20 : 0, t + i * 100us).has_value()) blocked_at = i;
  REQUIRE(blocked_at > 0);
  CHECK(t + blocked_at * 100us - t <= FloodNaps::kNapFor + FloodNaps::kWindow);
}

TEST_CASE("flood naps: every nap is shorter than a tick", "[kmsg]") {
  // the point of a nap: to wake before printk's lazy wake-up would (a 4 ms tick at HZ=250)
  CHECK(FloodNaps::kShortNap < 4ms);
  CHECK(FloodNaps::kLongNap < 4ms);
  CHECK(FloodNaps::kShortFor < FloodNaps::kNapFor);
}
