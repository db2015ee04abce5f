#pragma once
/// The hand-off between the reading thread and the loop thread: one preallocated byte ring, one
/// producer, one consumer, no lock and no allocation per entry.
///
/// The producer asks for room for the largest entry it may write (begin_write), reads straight
/// into it, then publishes what it used (commit). The consumer looks at the oldest entry in
/// place (peek) and frees it (pop). Each entry carries a kind, so that the reader can also hand
/// over events in order with the records: an overrun, the end of the source, an error.
///
/// A consumer may also let entries gather on a timer (linger()); a writer that finds the ring
/// full then wakes it through the same eventfd.
///
/// Threading: exactly one producer thread and one consumer thread. When the ring is full the
/// producer waits (it never drops: the kernel then overwrites its own ring, and the sequence gap
/// tells exactly how many were lost). When the ring was empty the consumer learns of new entries
/// through `wake_fd()`, an eventfd the producer signals only while the consumer says it sleeps
/// (sleep()/peek()), so a busy consumer costs the producer no system call.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

namespace klogd {

class RecordRing {
 public:
  enum class Kind : uint32_t {
    kRecord,   ///< one /dev/kmsg record, as one read() gave it
    kChunk,    ///< bytes of a text source (/proc/kmsg, syslog(2), a saved capture)
    kOverrun,  ///< the kernel overwrote records before they were read (EPIPE)
    kEnd,      ///< the source has nothing more (one-shot drained, end of a file)
    kError,    ///< the source failed; the bytes are the message
  };
  struct Entry {
    Kind kind = Kind::kRecord;
    std::string_view bytes;
  };

  /// Its pages become resident as the writer first reaches them (a fault per 4 KiB, about 70
  /// short records: a few microseconds in a burst, and no memory spent before one comes).
  explicit RecordRing(size_t capacity_bytes);
  ~RecordRing();
  RecordRing(const RecordRing&) = delete;
  RecordRing& operator=(const RecordRing&) = delete;

  // --- producer
  /// Room for one entry of up to `max_bytes`; waits while the ring is full. Empty after close().
  std::span<char> begin_write(size_t max_bytes);
  /// Publishes the entry begun last, `used` bytes of it.
  void commit(Kind kind, size_t used);
  /// An entry that carries `bytes` (events, messages): begin_write + copy + commit.
  void put(Kind kind, std::string_view bytes = {});

  // --- consumer
  /// The oldest entry, valid until pop(). False when there is none.
  bool peek(Entry* e) const;
  void pop();
  /// Called when peek() found nothing and the consumer is about to wait on wake_fd(): true when
  /// it may wait; false when an entry arrived meanwhile (then it must look again).
  bool sleep();
  /// Called when the consumer waits a while on a timer although entries may come (it lets them
  /// gather): the writer then wakes it through wake_fd() only if it finds the ring full.
  void linger();
  /// Clears the wake-up and the linger (after wake_fd() was readable, or the timer ran out).
  void woken();
  int wake_fd() const { return wake_fd_; }

  /// Makes a waiting begin_write() return empty, now and from then on (exit).
  void close();

  size_t capacity() const { return capacity_; }

 private:
  static constexpr size_t kHeader = 8;  // u32 kind, u32 length
  static constexpr uint32_t kWrapMark = 0xffffffffu;
  size_t free_bytes();
  bool room_for(size_t bytes);
  void wake_lingering();
  void wake_consumer();

  std::unique_ptr<char[]> buffer_;
  size_t capacity_;
  int wake_fd_ = -1;
  // Each side writes its own cache line, and reads the other's only when its cached copy says
  // it must (the ring looks full, or empty): no line bounces between the cores per record.
  // producer-owned, read by the consumer
  alignas(64) std::atomic<uint64_t> head_{0};  // bytes published
  uint64_t pending_at_ = 0;                    // where begin_write placed the entry
  uint64_t tail_seen_ = 0;                     // the producer's last look at tail_
  // consumer-owned, read by the producer
  alignas(64) std::atomic<uint64_t> tail_{0};  // bytes freed
  mutable uint64_t head_seen_ = 0;             // the consumer's last look at head_
  // rarely written, read often
  alignas(64) std::atomic<bool> consumer_sleeps_{false};
  std::atomic<bool> consumer_lingers_{false};
  alignas(64) std::atomic<bool> producer_waits_{false};
  std::atomic<uint32_t> space_epoch_{0};  // the producer waits on it while the ring is full
  std::atomic<bool> closed_{false};
};

}  // namespace klogd
