// When the reading thread blocks and when it naps: a trickle never naps, a flood naps short,
// then long, then blocks again.
#include "kmsg/flood_naps.h"

#include <catch2/catch.hpp>

using namespace klogd;
using namespace std::chrono_literals;

TEST_CASE("flood naps: a trickle blocks, a flood naps until it has been over a while", "[kmsg]") {
  FloodNaps naps;
  auto t = FloodNaps::Clock::time_point{} + 1h;
  // one record per wake-up, however often: block every time
  for (int i = 0; i < 100; ++i) CHECK_FALSE(naps.wait(1, t + i * 1ms).has_value());
  CHECK_FALSE(naps.wait(FloodNaps::kFloodRecords - 1, t).has_value());

  t += 1s;
  auto nap = naps.wait(FloodNaps::kFloodRecords, t);  // a flood
  REQUIRE(nap.has_value());
  CHECK(*nap == FloodNaps::kShortNap);
  // a nap that found nothing, then a few records: still short naps, from the newest record
  CHECK(naps.wait(0, t + 5ms) == std::optional<std::chrono::nanoseconds>(FloodNaps::kShortNap));
  CHECK(naps.wait(3, t + 15ms) == std::optional<std::chrono::nanoseconds>(FloodNaps::kShortNap));
  t += 15ms;
  CHECK(naps.wait(0, t + FloodNaps::kShortFor - 1us) ==
        std::optional<std::chrono::nanoseconds>(FloodNaps::kShortNap));
  // paused a while: longer naps
  CHECK(naps.wait(0, t + FloodNaps::kShortFor) ==
        std::optional<std::chrono::nanoseconds>(FloodNaps::kLongNap));
  CHECK(naps.wait(0, t + FloodNaps::kNapFor - 1ms) ==
        std::optional<std::chrono::nanoseconds>(FloodNaps::kLongNap));
  // over: block, and a trickle after it blocks too
  CHECK_FALSE(naps.wait(0, t + FloodNaps::kNapFor).has_value());
  CHECK_FALSE(naps.wait(1, t + FloodNaps::kNapFor + 1s).has_value());
  CHECK_FALSE(naps.wait(0, t + FloodNaps::kNapFor + 1s + 1ms).has_value());
}

TEST_CASE("flood naps: every nap is shorter than a tick and fits a timespec", "[kmsg]") {
  // the point of a nap: wake before printk's lazy wake-up would (a 4 ms tick at HZ=250)
  CHECK(FloodNaps::kShortNap < 4ms);
  CHECK(FloodNaps::kLongNap < 4ms);
  CHECK(FloodNaps::kShortFor < FloodNaps::kNapFor);
}
