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
/// Files, in DIR: segments of frames and a cursor (forward/queue_format.h). An entry torn by a kill
/// in the middle of a write is cut off at start-up (and said so); a file with a bad entry in the
/// middle is kept up to that entry.
///
/// Thread-safe: the daemon's loop pushes and settles; one sender thread takes and commits.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

namespace klogd {

struct ForwardQueueOptions {
  std::string dir;                 ///< created when missing
  size_t max_bytes = 64 << 20;     ///< memory and files together
  size_t memory_bytes = 1 << 20;   ///< memory part while the target is up
  size_t segment_bytes = 4 << 20;  ///< one file's size (at most max_bytes / 8)
};

class ForwardQueue {
 public:
  explicit ForwardQueue(ForwardQueueOptions o);
  ~ForwardQueue();
  ForwardQueue(const ForwardQueue&) = delete;
  ForwardQueue& operator=(const ForwardQueue&) = delete;

  /// Creates the directory and takes up what an earlier run left. *report says what was found
  /// (frames waiting, torn entries cut off); false with *err when the directory is unusable.
  bool open(std::string* report, std::string* err);

  /// Adds a frame (memory). Drops the oldest beyond max_bytes. The sender sees it at settle().
  void push(std::string frame);
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
    uint64_t drops = 0;  ///< to state before the frames
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

  struct Stats {
    uint64_t frames = 0;       ///< waiting, memory and files
    uint64_t bytes = 0;        ///< memory and files
    uint64_t file_frames = 0;  ///< of which in files
    uint64_t dropped = 0;      ///< since start
  };
  Stats stats() const;

 private:
  struct Segment {
    uint64_t first_q = 0;
    uint64_t end_q = 0;
    uint64_t bytes = 0;
    std::string path;
  };
  bool spill_locked(std::string* err);
  void enforce_limit_locked();
  void remove_delivered_locked();
  bool write_cursor_locked();
  bool read_segment(Segment* s, std::vector<std::string>* frames, uint64_t from_q, size_t max_bytes,
                    uint64_t* torn_at);
  uint64_t bytes_locked() const { return mem_bytes_ + disk_bytes_; }

  ForwardQueueOptions o_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> mem_;  // frames [mem_first_q_, next_q_)
  uint64_t mem_first_q_ = 0;
  uint64_t next_q_ = 0;
  uint64_t mem_bytes_ = 0;
  std::vector<Segment> segments_;  // frames [segments_.front().first_q, mem_first_q_)
  uint64_t disk_bytes_ = 0;
  int write_fd_ = -1;  // the last segment, open for appending
  int cursor_fd_ = -1;
  uint64_t cursor_ = 0;    // first q not delivered
  uint64_t unstated_ = 0;  // drops not yet stated to the collector
  uint64_t dropped_total_ = 0;
  // where the next take() from files starts, when it continues the last one
  uint64_t read_seg_ = UINT64_MAX;
  uint64_t read_q_ = UINT64_MAX;
  uint64_t read_off_ = 0;
  bool up_ = false;
  bool stop_ = false;
};

}  // namespace klogd
