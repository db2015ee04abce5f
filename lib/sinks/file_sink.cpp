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
  append_klogd_line(r, r.event ? std::string_view(r.event->line) : std::string_view(r.text),
                    &pending_);
  if (options_.twice && r.translated && !r.original.empty())
    append_klogd_line(r, r.original, &pending_);
  lines_.push_back({pending_.size(), r.record.seq, !r.synthetic});
  if (pending_.size() >= 64 * 1024) flush(err);  // a failure keeps the bytes: the record is in
  return true;
}

bool FileSink::flush(std::string* err) {
  size_t done = 0;
  bool ok = write_all(fd_, pending_, &done);
  int e = errno;
  // Whole lines that went out are delivered; a line cut by the failure is finished later from
  // where it stopped (nothing is written twice).
  if (!ok) {
    size_t out = 0;  // lines written whole are delivered
    while (out < lines_.size() && lines_[out].end <= done) ++out;
    lines_.erase(lines_.begin(), lines_.begin() + static_cast<long>(out));
    *err = options_.path + ": " + std::strerror(e);
    pending_.erase(0, done);
    for (Line& l : lines_) l.end -= done;
    failed_ = true;
    return false;
  }
  pending_.clear();
  lines_.clear();
  failed_ = false;
  if (options_.fsync && owns_fd_ && done > 0) ::fsync(fd_);
  return true;
}

std::optional<uint64_t> FileSink::oldest_volatile_seq() const {
  for (const Line& l : lines_)
    if (l.kernel) return l.seq;
  return std::nullopt;
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
