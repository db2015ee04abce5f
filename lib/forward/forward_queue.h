#pragma once
/// The queue in front of one --forward target: frames (finished RFC 5424 messages) in order, each
/// with a queue number q that grows across restarts.
///
/// Memory first: while the target is up, frames wait in memory only until the sender has
/// delivered them. They spill to files in the queue directory when the target is down (refused,
/// lost, not yet reached), when the memory part passes its limit (a slow target), and at exit.
/// A restart, kill -9 included, finds them there and sends them on, once. Beyond `max_bytes`
/// (memory and files together) the oldest are dropped and counted; the sender states the count to
/// the collector before the next frame it sends.
///
/// Files, in DIR: segments of frames and a cursor (forward/queue_format.h). An entry torn by a
/// kill in the middle of a write is cut off at start-up (and said so). A damaged entry anywhere
/// else is skipped to the next good one, and the records it held are counted into the drop
/// statement. With `fsync`, every spill reaches the disk before spill() returns (the daemon's
/// restart point passes a record only then); without, a power loss can lose or damage what the
/// kernel had not yet written back (seconds of spills), which the next start finds and counts.
///
/// The kernel sequence number of each frame is kept beside it while it is in memory:
/// oldest_memory_seq() is the oldest record that exists only in this process (neither delivered
/// nor in a file), which the daemon's restart point must not pass.
///
/// Thread-safe: the daemon's loop pushes and settles; one sender thread takes and commits.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace klogd {

struct ForwardQueueOptions {
  std::string dir;                 ///< created when missing
  size_t max_bytes = 64 << 20;     ///< memory and files together
  size_t memory_bytes = 1 << 20;   ///< memory part while the target is up
  size_t segment_bytes = 4 << 20;  ///< one file's size (at most max_bytes / 8)
  bool fsync = false;              ///< fdatasync each spill
};

class ForwardQueue {
 public:
  explicit ForwardQueue(ForwardQueueOptions o);
  ~ForwardQueue();
  ForwardQueue(const ForwardQueue&) = delete;
  ForwardQueue& operator=(const ForwardQueue&) = delete;

  /// Creates the directory and takes up what an earlier run left. *report says what was found
  /// (frames waiting, damaged entries skipped or cut off); false with *err when the directory is
  /// unusable.
  bool open(std::string* report, std::string* err);

  /// Adds a frame (memory), with the kernel sequence number of its record (none for klogd's own
  /// notices). Drops the oldest beyond max_bytes. The sender sees it at settle().
  void push(std::string frame, std::optional<uint64_t> seq = std::nullopt);
  /// After a batch of pushes: wakes the sender; spills memory to files when the target is down
  /// or memory is over its limit. False with *err when a file could not be written (frames stay
  /// in memory).
  bool settle(std::string* err);
  /// Everything in memory to files (exit).
  bool spill(std::string* err);

  /// The sender's view of the target: while down, every frame goes to files at settle().
  void set_target_up(bool up);

  struct Batch {
    uint64_t first_q = 0;
    std::vector<std::string> frames;
    std::vector<uint64_t> qs;  ///< each frame's q (damaged entries skipped leave gaps)
    uint64_t drops = 0;        ///< to state before the frames
    uint64_t damaged = 0;      ///< of `drops`, those lost to damaged entries in the files
    /// Keeps the first n frames (the rest was not delivered).
    void keep(size_t n) {
      frames.resize(n);
      qs.resize(n);
    }
    uint64_t end_q() const { return qs.empty() ? first_q : qs.back() + 1; }
  };
  /// Frames from `from_q` on (from the oldest undelivered when that is later, or with kOldest),
  /// up to about max_bytes; waits up to `timeout` for one. Drops not yet stated come with a
  /// batch taken from the oldest undelivered. False when there is nothing (or stop() was called).
  static constexpr uint64_t kOldest = 0;
  bool take(Batch* b, size_t max_bytes, std::chrono::milliseconds timeout,
            uint64_t from_q = kOldest);
  /// The batch (and its drop statement) was delivered. Batches are committed in the order taken.
  void commit(const Batch& b);
  /// Wakes take() and sleep(); for exit.
  void stop();
  bool stopped() const;
  /// Sleeps up to `d` unless stop() is called meanwhile.
  void sleep(std::chrono::milliseconds d);

  /// See the class comment.
  std::optional<uint64_t> oldest_memory_seq() const;

  struct Stats {
    uint64_t frames = 0;       ///< waiting, memory and files
    uint64_t bytes = 0;        ///< memory and files
    uint64_t file_frames = 0;  ///< of which in files
    uint64_t dropped = 0;      ///< since start
    uint64_t delivered = 0;    ///< taken by the collector, since start
    uint64_t memory_bytes = 0;
    uint64_t file_bytes = 0;
  };
  Stats stats() const;

 private:
  struct Frame {
    std::string bytes;
    uint64_t seq;  // kNoSeq for notices
  };
  static constexpr uint64_t kNoSeq = UINT64_MAX;
  struct Segment {
    uint64_t first_q = 0;
    uint64_t end_q = 0;  // one past its last good entry's q
    uint64_t bytes = 0;
    std::string path;
  };
  bool spill_locked(std::string* err);
  void enforce_limit_locked();
  void remove_delivered_locked();
  bool write_cursor_locked();
  /// The losses not yet stated, for the batch that starts at the cursor: the drop count and,
  /// of it, those lost to damaged entries.
  void state_losses_locked(Batch* b) const;
  void lose_locked(uint64_t up_to_q);
  bool load_segment_locked(const Segment& s);
  void take_from_files_locked(Batch* b, uint64_t at, size_t max_bytes);
  uint64_t bytes_locked() const { return mem_bytes_ + disk_bytes_; }

  ForwardQueueOptions o_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Frame> mem_;  // frames [mem_first_q_, next_q_)
  uint64_t mem_first_q_ = 0;
  uint64_t next_q_ = 0;
  uint64_t mem_bytes_ = 0;
  uint64_t delivered_total_ = 0;
  std::vector<Segment> segments_;  // frames [segments_.front().first_q, mem_first_q_)
  uint64_t disk_bytes_ = 0;
  int write_fd_ = -1;  // the last segment, open for appending
  int cursor_fd_ = -1;
  std::string cursor_error_;       // the last cursor write's failure, until one works again
  uint64_t cursor_ = 0;            // first q not delivered
  uint64_t unstated_ = 0;          // drops not yet stated to the collector
  uint64_t unstated_damaged_ = 0;  // of those, lost to damage in the files (this run's)
  uint64_t dropped_total_ = 0;
  // The segment being read (whole, in memory while it is drained) and where reading stopped.
  std::string cache_;
  uint64_t cache_first_q_ = UINT64_MAX;
  uint64_t cache_q_ = UINT64_MAX;  // the q reading continues with ...
  size_t cache_off_ = 0;           // ... at this offset
  bool up_ = false;
  bool stop_ = false;
};

}  // namespace klogd
