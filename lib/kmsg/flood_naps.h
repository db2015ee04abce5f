#pragma once
/// How the reading thread waits for /dev/kmsg when it has read everything: blocked until a record
/// comes, or, in a flood, a short nap before it looks again.
///
/// Why not always block: printk wakes a reader blocked on /dev/kmsg lazily. Its wake-up is an
/// irq_work that waits for the writing CPU's next timer tick (IRQ_WORK_LAZY), up to 4 ms at
/// HZ=250. A flood writes 250,000 to 550,000 records a second: 1,000 to 2,200 in that tick, more
/// than a 128 KiB kernel ring holds (about 1,400 short records), so a reader that caught up and
/// blocked loses what came meanwhile, however fast it is. While records flow, the reader naps
/// instead (ppoll with a timeout: a timer wakes it, or the record's wake-up if that comes
/// first): 100 µs at first, 1 ms once the flood has paused for a while, and it blocks again when
/// nothing came for a quarter of a second. A trickle (fewer than kFloodRecords per wake-up) never
/// naps: a quiet system sees no timer.
///
/// Not thread-safe: the reading thread's own.

#include <chrono>
#include <cstdint>
#include <optional>

namespace klogd {

class FloodNaps {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr uint64_t kFloodRecords = 16;  ///< records in one wake-up that make a flood
  static constexpr std::chrono::microseconds kShortNap{100};
  /// Short naps while the last record is this recent.
  static constexpr std::chrono::milliseconds kShortFor{20};
  static constexpr std::chrono::milliseconds kLongNap{1};
  static constexpr std::chrono::milliseconds kNapFor{250};  ///< then block

  /// The reader found nothing to read at `now`, having read `records` since it last waited (an
  /// overrun counts as a flood): how long to nap, or nullopt to block until a record comes.
  std::optional<std::chrono::nanoseconds> wait(uint64_t records, Clock::time_point now);

 private:
  bool flood_ = false;
  Clock::time_point last_records_{};
};

}  // namespace klogd
