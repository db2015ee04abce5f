#include "kmsg/flood_naps.h"

namespace klogd {

std::optional<std::chrono::nanoseconds> FloodNaps::wait(uint64_t records, Clock::time_point now) {
  if (records > 0) last_records_ = now;
  if (records >= kFloodRecords) flood_ = true;
  if (!flood_) return std::nullopt;
  auto quiet = now - last_records_;
  if (quiet < kShortFor) return kShortNap;
  if (quiet < kNapFor) return kLongNap;
  flood_ = false;  // over: block until the next record
  return std::nullopt;
}

}  // namespace klogd
