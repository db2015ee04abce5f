#include "sinks/file_sink.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "util/fd_io.h"

namespace klogd {

FileSink::~FileSink() {
  std::string ignored;
  flush(&ignored);
  if (owns_fd_) ::close(fd_);
}

bool FileSink::open(std::string* err) {
  if (options_.path == "-") {
    fd_ = STDOUT_FILENO;
    owns_fd_ = false;
    return true;
  }
  int fd = ::open(options_.path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  if (fd < 0) {
    *err = options_.path + ": " + std::strerror(errno);
    return false;
  }
  if (owns_fd_) ::close(fd_);
  fd_ = fd;
  owns_fd_ = true;
  return true;
}

bool FileSink::write(const FinishedRecord& r, std::string* err) {
  // Bytes left over from a failed write (disk full) go first; until they are out, records are
  // refused and wait in the bounded queue in front of this sink, so memory stays bounded.
  if (!pending_.empty() && failed_ && !flush(err)) return false;
  append_klogd_line(r, r.text, &pending_);
  if (options_.twice && r.translated) append_klogd_line(r, r.original, &pending_);
  if (pending_.size() >= 64 * 1024) flush(err);  // a failure keeps the bytes: the record is in
  return true;
}

bool FileSink::flush(std::string* err) {
  size_t done = 0;
  if (!write_all(fd_, pending_, &done)) {
    *err = options_.path + ": " + std::strerror(errno);
    pending_.erase(0, done);
    failed_ = true;
    return false;
  }
  pending_.clear();
  failed_ = false;
  if (options_.fsync && owns_fd_ && done > 0) ::fsync(fd_);
  return true;
}

bool FileSink::reopen(std::string* err) {
  if (!flush(err)) return false;
  if (options_.path == "-") return true;
  return open(err);
}

std::string FileSink::describe() const {
  return options_.path == "-" ? "stdout" : "file " + options_.path;
}

}  // namespace klogd
