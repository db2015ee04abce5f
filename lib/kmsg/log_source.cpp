#include "kmsg/log_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>

#include "kmsg/kmsg_record.h"
#include "util/kernel_access.h"

namespace klogd {

LogSource::Kind LogSource::records_at(const std::string& path) {
  struct stat st {};
  if (path == "-" || (::stat(path.c_str(), &st) == 0 && !S_ISCHR(st.st_mode)))
    return Kind::kCapture;
  return Kind::kDevice;
}

LogSource::~LogSource() {
  if (fd_ >= 0) ::close(fd_);
}

LogSource::LogSource(LogSource&& o) noexcept { *this = std::move(o); }

LogSource& LogSource::operator=(LogSource&& o) noexcept {
  if (this == &o) return *this;
  if (fd_ >= 0) ::close(fd_);
  kind_ = o.kind_;
  fd_ = o.fd_;
  path_ = std::move(o.path_);
  o.fd_ = -1;
  return *this;
}

bool LogSource::open(Kind kind, const std::string& path, std::string* err) {
  kind_ = kind;
  path_ = path;
  if (kind == Kind::kSyscall) return true;
  // Non-blocking while the caller scans; the reading thread makes it blocking.
  int flags = O_RDONLY | O_CLOEXEC | (kind == Kind::kCapture ? 0 : O_NONBLOCK);
  int fd =
      path == "-" && kind == Kind::kCapture ? ::dup(STDIN_FILENO) : ::open(path.c_str(), flags);
  if (fd < 0) {
    int e = errno;
    *err = path + ": " + std::strerror(e);
    if ((e == EPERM || e == EACCES) && kind != Kind::kCapture)
      *err += " (" + kernel_log_access_hint() + ")";
    return false;
  }
  fd_ = fd;
  if (kind == Kind::kDevice) rewind();
  return true;
}

void LogSource::rewind() {
  // SEEK_SET on /dev/kmsg = the oldest record. A pipe or a plain file of records cannot or need
  // not: no matter.
  if (fd_ >= 0) (void)::lseek(fd_, 0, SEEK_SET);
}

LogSource::Scan LogSource::scan() {
  Scan s;
  if (kind_ != Kind::kDevice || fd_ < 0) return s;
  std::string buf(kMaxRecordBytes + 1, '\0');
  for (;;) {
    ssize_t n = ::read(fd_, buf.data(), buf.size());
    if (n < 0 && (errno == EINTR || errno == EPIPE)) continue;
    if (n <= 0) break;
    KmsgRecord rec;
    if (parse_kmsg_record(std::string_view(buf.data(), static_cast<size_t>(n)), &rec) ==
        ParseError::kOk) {
      if (!s.first_seq) s.first_seq = rec.seq;
      s.last_seq = rec.seq;
    }
    ++s.records;
  }
  return s;
}

std::string LogSource::describe() const {
  switch (kind_) {
    case Kind::kSyscall:
      return "syslog(2)";
    case Kind::kCapture:
      return "the capture " + path_;
    default:
      return path_;
  }
}

}  // namespace klogd
