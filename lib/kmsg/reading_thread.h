#pragma once
/// The thread that reads the kernel log, and does nothing else: read() into the preallocated
/// RecordRing, count the overruns, hand over the end or an error. No parsing, no allocation, no
/// lock on the way (the ring is single-producer, single-consumer). What loses records in a burst
/// is the reader's scheduling latency, not its speed (a 5 ms pause can be the whole kernel
/// ring), so this thread alone can run SCHED_FIFO (--reader-priority), while parsing,
/// annotating and the sinks run on the loop thread.
///
/// /dev/kmsg is read with one system call per record, as a bare read() loop. When there is none,
/// the thread waits in poll(), or in a flood naps and looks again (FloodNaps: printk's wake-up of
/// a blocked reader can come a whole tick late). One-shot mode reads until the ring is drained
/// and ends there. stop() interrupts a blocked read() or poll() with a signal of its own
/// (SIGRTMIN, installed without SA_RESTART), sent until the thread has gone.
///
/// A process started at SCHED_FIFO (systemd's CPUSchedulingPolicy=, with RestrictRealtime=yes,
/// which forbids raising a thread later) parks the reader first: park() makes the thread, which
/// keeps the caller's scheduling and waits; the caller then lowers itself, so that every thread
/// made afterwards runs at normal priority; start() lets the parked reader go.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "kmsg/log_source.h"
#include "kmsg/record_ring.h"

namespace klogd {

class ReadingThread {
 public:
  /// `source` must stay open while the thread runs.
  ReadingThread(const LogSource* source, RecordRing* ring, bool one_shot)
      : source_(source), ring_(ring), one_shot_(one_shot) {}
  ~ReadingThread() { stop(); }
  ReadingThread(const ReadingThread&) = delete;
  ReadingThread& operator=(const ReadingThread&) = delete;

  /// Makes the thread now, with the calling thread's scheduling, waiting for start() (or
  /// stop()) before it reads. The source and the ring are read only once it goes.
  void park();
  /// Starts the thread (a parked one goes on as it was made), at SCHED_FIFO `priority` (1-99)
  /// when it is not 0. False with *err when that priority is refused (the thread then runs at
  /// the priority it has).
  bool start(int priority, std::string* err);
  /// Stops and joins the thread (idempotent).
  void stop();

  uint64_t overruns() const { return overruns_.load(std::memory_order_relaxed); }

 private:
  void run();
  void read_device();
  void read_chunks();
  void read_syscall();

  const LogSource* source_;
  RecordRing* ring_;
  bool one_shot_;
  std::thread thread_;
  std::mutex go_mu_;
  std::condition_variable go_cv_;
  bool go_ = false;  // under go_mu_: a parked thread may read
  bool parked_ = false;
  std::atomic<bool> stop_{false};
  std::atomic<bool> done_{false};
  std::atomic<uint64_t> overruns_{0};
};

}  // namespace klogd
