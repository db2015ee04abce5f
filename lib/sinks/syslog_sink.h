#pragma once
/// The syslog sink: one datagram per record to /dev/log (path configurable), non-blocking.
///
/// - PRI from the record: kernel records are LOG_KERN; what userspace wrote into /dev/kmsg keeps
///   its own facility. Tag "kernel", as klogd's openlog("kernel", 0, LOG_KERN).
/// - Timestamp: the record's kernel time on the wall clock (see wall_clock.h), not the time of
///   forwarding. rsyslog keeps it only with IgnoreTimestamp="off" (see README).
/// - RFC 3164 by default: "<PRI>Mmm dd hh:mm:ss kernel: MSG"; RFC 5424 as an option:
///   "<PRI>1 TIMESTAMP HOST kernel - - [kmsg@32473 seq=".." mono=".."] MSG".
/// - A record longer than max_bytes (default 8192, rsyslog's default maxMessageSize) is cut and
///   ends with " [klogd: truncated N bytes]".
/// - Control bytes are escaped as \xNN: one record is one syslog message.
/// write() returns false while the socket is missing or refuses (syslog down, or its queue is
/// full): the caller keeps the record and retries.

#include <string>

#include "sinks/sink.h"

namespace klogd {

struct SyslogSinkOptions {
  std::string socket_path = "/dev/log";
  bool rfc5424 = false;
  std::string hostname;  ///< RFC 5424 HOSTNAME (default: gethostname)
  std::string sd_id = "kmsg@32473";
  size_t max_bytes = 8192;
};

class SyslogSink : public Sink {
 public:
  explicit SyslogSink(SyslogSinkOptions options);
  ~SyslogSink() override;
  bool write(const FinishedRecord& r, std::string* err) override;
  std::string describe() const override { return "syslog " + options_.socket_path; }
  bool busy() const override { return busy_; }

 private:
  std::string format(const FinishedRecord& r, int64_t boot_wall_usec) const;
  bool connect(std::string* err);
  std::string truncate(std::string m) const;
  SyslogSinkOptions options_;
  int fd_ = -1;
  bool busy_ = false;
};

}  // namespace klogd
