#pragma once
/// The -f sink: klogd-compatible lines (see append_klogd_line) to a file or to stdout ("-").
/// Lines are gathered and written with one write() per flush; the file is opened O_APPEND and
/// reopened by reopen() after logrotate moved it (SIGHUP). fsync policy: never, or after every
/// flush (klogd fsync'ed every line; a flush is one batch of records).
///
/// Bytes the file did not take (a full disk) stay buffered, whole lines, and the sink refuses
/// further records until they are out, so the bounded queue in front of it holds the rest.
/// Records in that buffer are not delivered: pending() counts them (the exit waits for them and
/// counts them lost if the disk stays full), and oldest_volatile_seq() keeps the restart point
/// before them.

#include <cstdint>
#include <string>
#include <vector>

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
  bool writes_file() const override { return options_.path != "-"; }
  bool reopen(std::string* err) override;
  std::string describe() const override;
  size_t pending() const override { return lines_.size(); }
  std::optional<uint64_t> oldest_volatile_seq() const override;

 private:
  struct Line {
    size_t end;  // where its bytes end in pending_
    uint64_t seq;
    bool kernel;  // read from the kernel (not one of klogd's notices)
  };
  FileSinkOptions options_;
  int fd_ = -1;
  bool owns_fd_ = false;
  std::string pending_;
  std::vector<Line> lines_;  // the records whose bytes are in pending_
  bool failed_ = false;      // the last write() of pending_ failed (e.g. ENOSPC)
};

}  // namespace klogd
