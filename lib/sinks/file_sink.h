#pragma once
/// The -f sink: klogd-compatible lines (see append_klogd_line) to a file or to stdout ("-").
/// Lines are gathered and written with one write() per flush; the file is opened O_APPEND and
/// reopened by reopen() after logrotate moved it (SIGHUP). fsync policy: never, or after every
/// flush (klogd fsync'ed every line; a flush is one batch of records).

#include <string>

#include "sinks/sink.h"

namespace klogd {

struct FileSinkOptions {
  std::string path = "-";  ///< "-" = standard output
  bool twice = false;      ///< klogd -2: the translated line, then the original
  bool fsync = false;      ///< fsync after each batch
};

class FileSink : public Sink {
 public:
  explicit FileSink(FileSinkOptions options) : options_(std::move(options)) {}
  ~FileSink() override;
  bool open(std::string* err);
  bool write(const FinishedRecord& r, std::string* err) override;
  bool flush(std::string* err) override;
  bool reopen(std::string* err) override;
  std::string describe() const override;

 private:
  FileSinkOptions options_;
  int fd_ = -1;
  bool owns_fd_ = false;
  std::string pending_;
  bool failed_ = false;  // the last write() of pending_ failed (e.g. ENOSPC)
};

}  // namespace klogd
