#pragma once
/// How the reading thread waits for /dev/kmsg when it has read everything: blocked until a record
/// comes, or, in a flood, a short nap before it looks again.
///
/// Why not always block: printk wakes a reader blocked on /dev/kmsg lazily. Its wake-up is an
/// irq_work that waits for the writing CPU's next timer tick (IRQ_WORK_LAZY), up to 4 ms at
/// HZ=250. A flood writes 250,000 to 550,000 records a second: 1,000 to 2,200 in that tick, more
/// than a 128 KiB kernel ring holds (about 1,400 short records), so a reader that caught up and
/// blocked loses what came meanwhile, however fast it is. In a flood the reader naps instead
/// (ppoll with a timeout: a timer wakes it, or the record's wake-up if that comes first): 100 µs
/// while the flood goes on, 1 ms once it has paused for a while, and it blocks again when it has
/// been over for a quarter of a second. A flood is kFloodRecords found at one wake-up (a tick's
/// worth at 64,000 records/s), or kFloodRate over a millisecond or more of naps. Slower logs,
/// such as 20,000 records/s, lose nothing to a late wake-up and never nap: a quiet system sees
/// no timer, and a busy one no more wake-ups than records.
///
/// Not thread-safe: the reading thread's own.

#include <chrono>
#include <cstdint>
#include <optional>

namespace klogd {

class FloodNaps {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr uint64_t kFloodRecords = 256;  ///< found at one wake-up: a flood
  static constexpr uint64_t kFloodRate = 50000;   ///< records/s over kWindow: still a flood
  static constexpr std::chrono::milliseconds kWindow{1};
  static constexpr std::chrono::microseconds kShortNap{100};
  /// Short naps while the flood was seen this recently.
  static constexpr std::chrono::milliseconds kShortFor{20};
  static constexpr std::chrono::milliseconds kLongNap{1};
  static constexpr std::chrono::milliseconds kNapFor{250};  ///< then block

  /// The reader found nothing to read at `now`, having read `records` since it last waited (an
  /// overrun counts as a flood): how long to nap, or nullopt to block until a record comes.
  std::optional<std::chrono::nanoseconds> wait(uint64_t records, Clock::time_point now);

 private:
  bool flood_ = false;
  Clock::time_point last_flood_{};    // when a flood's rate was last seen
  Clock::time_point window_start_{};  // the rate is measured over naps since then
  uint64_t window_records_ = 0;
};

}  // namespace klogd
