#pragma once
/// Where finished records go. A sink sees only FinishedRecords; it never blocks the reader for
/// long (the daemon puts a bounded queue in front of slow sinks).

#include <string>
#include <string_view>

#include "annotate/finished_record.h"

namespace klogd {

class Sink {
 public:
  virtual ~Sink() = default;
  /// Hands one record over. False when the record could not be delivered now (sink down); the
  /// caller keeps it and retries later.
  virtual bool write(const FinishedRecord& r, std::string* err) = 0;
  /// Pushes out what is buffered (end of a batch, shutdown).
  virtual bool flush(std::string* err) {
    (void)err;
    return true;
  }
  /// Reopens files after rotation (SIGHUP).
  virtual bool reopen(std::string* err) {
    (void)err;
    return true;
  }
  virtual std::string describe() const = 0;
  /// Records accepted but not yet delivered, worth waiting for at exit (a collector that is up).
  virtual size_t pending() const { return 0; }
  /// True when the last refusal was "full, try again shortly" (EAGAIN), not "gone".
  virtual bool busy() const { return false; }
};

}  // namespace klogd
