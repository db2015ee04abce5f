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

#include "sinks/sink.h"

namespace klogd {

class QueuedSink {
 public:
  QueuedSink(std::unique_ptr<Sink> sink, size_t max_bytes)
      : sink_(std::move(sink)), max_bytes_(max_bytes) {}

  void push(std::shared_ptr<const FinishedRecord> r);
  /// Writes what is queued, in order, until the sink refuses. True when the queue is empty.
  /// *err holds the sink's reason when it refused.
  bool drain(std::string* err);

  Sink& sink() { return *sink_; }
  size_t queued() const { return queue_.size(); }
  size_t queued_bytes() const { return bytes_; }
  uint64_t dropped_total() const { return dropped_total_; }
  bool down() const { return down_; }
  /// The oldest kernel record still queued here (its sequence number).
  std::optional<uint64_t> oldest_queued_seq() const {
    for (const auto& r : queue_)
      if (!r->synthetic) return r->record.seq;
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
  static size_t cost(const FinishedRecord& r) { return r.text.size() + r.original.size() + 64; }
  std::unique_ptr<Sink> sink_;
  size_t max_bytes_;
  std::deque<std::shared_ptr<const FinishedRecord>> queue_;
  size_t bytes_ = 0;
  uint64_t dropped_ = 0;  // not yet reported
  uint64_t dropped_total_ = 0;
  bool down_ = false;
};

}  // namespace klogd
