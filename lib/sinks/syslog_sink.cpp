#include "sinks/syslog_sink.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "sinks/rfc3164.h"
#include "sinks/rfc5424.h"
#include "util/host.h"
#include "util/text.h"
#include "util/unix_datagram.h"
#include "util/wall_clock.h"

namespace klogd {

SyslogSink::SyslogSink(SyslogSinkOptions options) : options_(std::move(options)) {
  if (options_.hostname.empty()) options_.hostname = host_name();
}

SyslogSink::~SyslogSink() {
  if (fd_ >= 0) ::close(fd_);
}

bool SyslogSink::connect(std::string* err) {
  if (fd_ < 0) fd_ = connect_unix_datagram(options_.socket_path, err);
  return fd_ >= 0;
}

std::string SyslogSink::format(const FinishedRecord& r, int64_t boot_wall) const {
  if (options_.rfc5424) {
    Rfc5424Options o;
    o.hostname = options_.hostname;
    o.sd_id = options_.sd_id;
    std::string m = format_rfc5424(r, boot_wall, o);
    return truncate(std::move(m));
  }
  return truncate(format_rfc3164(r, boot_wall));
}

std::string SyslogSink::truncate(std::string m) const {
  return cut_message(std::move(m), options_.max_bytes);
}

bool SyslogSink::write(const FinishedRecord& r, std::string* err) {
  busy_ = false;
  if (!connect(err)) return false;
  std::string m = format(r, boot_wall_usec());
  if (::send(fd_, m.data(), m.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(m.size())) return true;
  *err = options_.socket_path + ": " + std::strerror(errno);
  busy_ = errno == EAGAIN;
  if (!busy_) {
    ::close(fd_);  // the server went away or was restarted: reconnect next time
    fd_ = -1;
  }
  return false;
}

}  // namespace klogd
