#include "kmsg/kmsg_reader.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "kmsg/kmsg_record.h"

namespace klogd {

KmsgReader::~KmsgReader() {
  if (fd_ >= 0) ::close(fd_);
}

bool KmsgReader::open(const std::string& path, std::string* err) {
  int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    *err = path + ": " + std::strerror(errno);
    return false;
  }
  // SEEK_SET on /dev/kmsg = the oldest record. A pipe or /proc/kmsg cannot seek: no matter.
  (void)::lseek(fd, 0, SEEK_SET);
  adopt(fd);
  return true;
}

void KmsgReader::adopt(int fd) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
  buffer_.resize(kMaxRecordBytes + 1);
}

int KmsgReader::release() {
  int fd = fd_;
  fd_ = -1;
  return fd;
}

KmsgReader::Result KmsgReader::read(std::string* err) {
  for (;;) {
    ssize_t n = ::read(fd_, buffer_.data(), buffer_.size());
    if (n > 0) {
      length_ = static_cast<size_t>(n);
      return Result::kRecord;
    }
    if (n == 0) return Result::kEof;
    if (errno == EINTR) continue;
    if (errno == EAGAIN) return Result::kAgain;
    if (errno == EPIPE) return Result::kOverrun;
    *err = std::string("read /dev/kmsg: ") + std::strerror(errno);
    return Result::kError;
  }
}

}  // namespace klogd
