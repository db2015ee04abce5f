#include "kmsg/flood_naps.h"

namespace klogd {

std::optional<std::chrono::nanoseconds> FloodNaps::wait(uint64_t records, Clock::time_point now) {
  if (records >= kFloodRecords) {
    flood_ = true;
    last_flood_ = now;
  }
  if (!flood_) return std::nullopt;
  window_records_ += records;
  auto span = now - window_start_;
  if (span >= kWindow) {
    using Seconds = std::chrono::duration<double>;
    if (static_cast<double>(window_records_) >= kFloodRate * Seconds(span).count())
      last_flood_ = now;
    window_start_ = now;
    window_records_ = 0;
  }
  auto since = now - last_flood_;
  if (since < kShortFor) return kShortNap;
  if (since < kNapFor) return kLongNap;
  flood_ = false;  // over: block until the next record
  return std::nullopt;
}

}  // namespace klogd
