#pragma once
/// A sink behind a bounded queue, so that a slow or dead sink never makes the reader wait: the
/// kernel's ring buffer (128 KiB here) overwrites what is not read in time.
/// Records wait in memory up to `max_bytes` (their text sizes); beyond that the oldest are dropped
/// and counted. When the sink takes records again, the queue drains in order, and first a notice
/// says exactly how many were dropped: "klogd: dropped N records for SINK while it was
/// unavailable (queue full)". Single-threaded (the daemon's loop).

#include <algorithm>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sinks/sink.h"

namespace klogd {

/// A batch of records, shared by every sink's queue (one allocation per batch, none per record).
using RecordBatch = std::shared_ptr<const std::vector<FinishedRecord>>;

class QueuedSink {
 public:
  QueuedSink(std::unique_ptr<Sink> sink, size_t max_bytes)
      : sink_(std::move(sink)), max_bytes_(max_bytes) {}

  /// Queues every record of the batch (it stays alive while any queue holds some of it).
  void push(const RecordBatch& batch);
  /// One record on its own (klogd's notices, tests).
  void push(FinishedRecord r);
  /// Writes what is queued, in order, until the sink refuses. True when the queue is empty.
  /// *err holds the sink's reason when it refused.
  bool drain(std::string* err);

  Sink& sink() { return *sink_; }
  const Sink& sink() const { return *sink_; }
  size_t queued() const { return count_; }
  size_t queued_bytes() const { return bytes_; }
  uint64_t dropped_total() const { return dropped_total_; }
  bool down() const { return down_; }
  /// The oldest kernel record still queued here (its sequence number).
  std::optional<uint64_t> oldest_queued_seq() const {
    for (const Chunk& c : queue_)
      for (size_t i = c.next; i < c.batch->size(); ++i)
        if (!(*c.batch)[i].synthetic) return (*c.batch)[i].record.seq;
    return std::nullopt;
  }
  /// The oldest kernel record that exists only in this process: accepted by the sink and
  /// neither delivered nor on disk, or queued here (restart continuity).
  std::optional<uint64_t> oldest_volatile_seq() const {
    std::optional<uint64_t> in_sink = sink_->oldest_volatile_seq(), queued = oldest_queued_seq();
    if (in_sink && queued) return std::min(*in_sink, *queued);
    return in_sink ? in_sink : queued;
  }

 private:
  struct Chunk {
    RecordBatch batch;
    size_t next;  // the first record of it still queued
    const FinishedRecord& front() const { return (*batch)[next]; }
  };
  static size_t cost(const FinishedRecord& r) { return r.text.size() + r.original.size() + 64; }
  void pop_front();
  std::unique_ptr<Sink> sink_;
  size_t max_bytes_;
  std::deque<Chunk> queue_;  // in order; each chunk's records from `next` on
  size_t count_ = 0;
  size_t bytes_ = 0;
  uint64_t dropped_ = 0;  // not yet reported
  uint64_t dropped_total_ = 0;
  bool down_ = false;
};

}  // namespace klogd
