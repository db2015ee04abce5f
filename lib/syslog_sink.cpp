#include "syslog_sink.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "wall_clock.h"

namespace klogd {

std::string escape_sd_value(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '"' || c == '\\' || c == ']') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

SyslogSink::SyslogSink(SyslogSinkOptions options) : options_(std::move(options)) {
  if (options_.hostname.empty()) {
    char host[256] = {};
    ::gethostname(host, sizeof host - 1);
    options_.hostname = host[0] ? host : "-";
  }
}

SyslogSink::~SyslogSink() {
  if (fd_ >= 0) ::close(fd_);
}

bool SyslogSink::connect(std::string* err) {
  if (fd_ >= 0) return true;
  int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) {
    *err = std::strerror(errno);
    return false;
  }
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", options_.socket_path.c_str());
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    *err = options_.socket_path + ": " + std::strerror(errno);
    ::close(fd);
    return false;
  }
  fd_ = fd;
  return true;
}

std::string SyslogSink::format(const FinishedRecord& r, int64_t boot_wall) const {
  const KmsgRecord& k = r.record;
  int64_t wall = boot_wall + static_cast<int64_t>(k.ts_usec);
  std::string m = "<" + std::to_string(k.prio()) + ">";
  if (options_.rfc5424) {
    m += "1 " + rfc5424_time(wall) + " " + options_.hostname + " kernel - - [" + options_.sd_id +
         " seq=\"" + std::to_string(k.seq) + "\" mono=\"" + std::to_string(k.ts_usec) + "\"";
    for (const auto& [key, value] : k.dict) {
      if (key == "SUBSYSTEM") m += " subsystem=\"" + escape_sd_value(value) + "\"";
      if (key == "DEVICE") m += " device=\"" + escape_sd_value(value) + "\"";
    }
    if (r.translated) m += " symbols=\"" + escape_sd_value(r.symbols) + "\"";
    m += "] ";
  } else {
    m += rfc3164_time(wall) + " kernel: ";
  }
  std::string text;
  append_escaped_control(r.text, &text);
  size_t room = options_.max_bytes > m.size() + 64 ? options_.max_bytes - m.size() - 64 : 0;
  if (text.size() > room) {
    size_t cut = text.size() - room;
    text.resize(room);
    text += " [klogd: truncated " + std::to_string(cut) + " bytes]";
  }
  m += text;
  return m;
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
