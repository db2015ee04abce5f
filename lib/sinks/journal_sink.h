#pragma once
/// The journald sink: sd_journal_sendv(), one entry per record, with these fields:
///   MESSAGE                 the annotated text
///   PRIORITY                the record's level (0-7)
///   SYSLOG_FACILITY         the record's facility (0 = kern)
///   SYSLOG_IDENTIFIER       "kernel"
///   KERNEL_SEQNUM           the kernel's sequence number
///   KERNEL_MONOTONIC_USEC   the record's kernel time (local_clock, microseconds since boot)
///   KERNEL_REALTIME_USEC    the same on the wall clock (see wall_clock.h)
///   KERNEL_SUBSYSTEM, KERNEL_DEVICE, KERNEL_<KEY>   the kernel's dictionary (SUBSYSTEM=, ...)
///   KERNEL_ORIGINAL_MESSAGE the text before translation, when something was translated
///   KERNEL_SYMBOLS          "sym+0x1a/0x80 [mod] ..." found, when something was translated
///   KLOGD_NOTICE=1          on records klogd made itself (loss and drop reports)
/// Names starting with '_' cannot be set by a client (journald drops them), hence KERNEL_*.
/// journald down: sd_journal_sendv() does not always fail when the socket is gone, so before
/// sending, the sink connects to the socket itself; a refusal makes write() return false and the
/// record stays queued.

#include <string>

#include "sinks/sink.h"

namespace klogd {

class JournalSink : public Sink {
 public:
  explicit JournalSink(std::string socket_path = "/run/systemd/journal/socket")
      : socket_path_(std::move(socket_path)) {}
  bool write(const FinishedRecord& r, std::string* err) override;
  std::string describe() const override { return "journald"; }

 private:
  /// True when journald answers on its socket now.
  bool reachable(std::string* err) const;
  std::string socket_path_;
};

}  // namespace klogd
