#pragma once
/// The journald sink: journald's native protocol (systemd.io/JOURNAL_NATIVE_PROTOCOL), spoken
/// directly to the socket --journal-socket names (libsystemd's sd_journal_sendv() knows only
/// /run/systemd/journal/socket, so a namespace's /run/systemd/journal.NAME/socket or a
/// container's would never get a record). One entry per record, with these fields:
///   MESSAGE                 the annotated text
///   PRIORITY                the record's level (0-7)
///   SYSLOG_FACILITY         the record's facility (0 = kern)
///   SYSLOG_IDENTIFIER       "kernel"
///   KERNEL_SEQNUM           the kernel's sequence number (kernel records only)
///   KERNEL_MONOTONIC_USEC   the record's kernel time (local_clock, microseconds since boot)
///   KERNEL_REALTIME_USEC    the same on the wall clock (see wall_clock.h; this boot's only)
///   KERNEL_SUBSYSTEM, KERNEL_DEVICE, KERNEL_<KEY>   the kernel's dictionary (SUBSYSTEM=, ...)
///   KERNEL_ORIGINAL_MESSAGE the text before translation, when something was translated
///   KERNEL_SYMBOLS          "sym+0x1a/0x80 [mod] ..." found, when something was translated
///   KLOGD_NOTICE=1          on records klogd made itself (loss and drop reports)
///   KLOGD_AFTER_SEQNUM      on records klogd made itself: the kernel record they follow
///   KLOGD_BOOT              "replay" (--kmsg FILE): not this boot's record
/// Names starting with '_' cannot be set by a client (journald drops them), hence KERNEL_*.
/// One socket, connected once and again only after an error; journald gone makes write() return
/// false and the record stays queued. An entry too big for one datagram goes as a sealed memfd.

#include <string>

#include "sinks/sink.h"

namespace klogd {

/// The native protocol's serialization of NAME=value fields: "NAME=value\n", or for a value
/// holding a newline "NAME\n" + its length (64-bit little endian) + value + "\n".
void append_journal_field(std::string_view name, std::string_view value, std::string* out);

class JournalSink : public Sink {
 public:
  explicit JournalSink(std::string socket_path = "/run/systemd/journal/socket")
      : socket_path_(std::move(socket_path)) {}
  ~JournalSink() override;
  JournalSink(const JournalSink&) = delete;
  JournalSink& operator=(const JournalSink&) = delete;
  bool write(const FinishedRecord& r, std::string* err) override;
  std::string describe() const override {
    return socket_path_ == "/run/systemd/journal/socket" ? "journald"
                                                         : "journald (" + socket_path_ + ")";
  }
  bool busy() const override { return busy_; }

 private:
  bool send_entry(const std::string& entry, std::string* err);
  bool send_as_memfd(const std::string& entry, std::string* err);
  std::string socket_path_;
  int fd_ = -1;
  bool busy_ = false;
  std::string entry_;
};

}  // namespace klogd
