#pragma once
/// Where finished records go. A sink sees only FinishedRecords. It never blocks the loop for
/// long: a bounded queue (QueuedSink) stands in front of each, and a sink whose peer is remote
/// (a --forward collector) hands records to a thread of its own.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "annotate/finished_record.h"

namespace klogd {

class Sink {
 public:
  virtual ~Sink() = default;
  /// Starts what the sink runs on threads of its own. The daemon calls it after it has forked
  /// and dropped privileges: no thread exists before that.
  virtual bool start(std::string* err) {
    (void)err;
    return true;
  }
  /// Stops those threads at exit; what is pending then is kept if keeps_pending().
  virtual void stop() {}
  /// Hands one record over. False when the record could not be delivered now (sink down); the
  /// caller keeps it and retries later.
  virtual bool write(const FinishedRecord& r, std::string* err) = 0;
  /// Pushes out what is buffered (end of a batch, shutdown).
  virtual bool flush(std::string* err) {
    (void)err;
    return true;
  }
  /// Whether the sink writes a file that logrotate may move (reopen() then matters).
  virtual bool writes_file() const { return false; }
  /// Reopens that file after rotation (SIGHUP).
  virtual bool reopen(std::string* err) {
    (void)err;
    return true;
  }
  virtual std::string describe() const = 0;
  /// Records accepted but not yet delivered, worth waiting for at exit.
  virtual size_t pending() const { return 0; }
  /// Whether pending records outlive this process (a collector's queue files): then a record
  /// still pending at exit is kept for the next start, not lost.
  virtual bool keeps_pending() const { return false; }
  /// The oldest kernel record (its sequence number) this sink accepted that is neither
  /// delivered nor on disk: the restart point must not pass it, or a kill -9 would lose it.
  virtual std::optional<uint64_t> oldest_volatile_seq() const { return std::nullopt; }
  /// True when the last refusal was "full, try again shortly" (EAGAIN), not "gone".
  virtual bool busy() const { return false; }
};

}  // namespace klogd
