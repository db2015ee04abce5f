#pragma once
/// Where klogd reads the kernel log from, opened while it still has the privileges that takes
/// (before forking and dropping to --user):
///   kDevice   /dev/kmsg: one record per read(), sequence numbers, losses visible (the default)
///   kProc     /proc/kmsg: text lines "<PRIO>[ts] text", destructive, no sequence numbers
///   kSyscall  syslog(2) SYSLOG_ACTION_READ: the same text, destructive (klogd -s)
///   kCapture  a saved capture in `cat /dev/kmsg` form (a file or a pipe): records replayed
///             through the live path, to its end
/// The reading thread (ReadingThread) is the only reader once the daemon runs; before that, the
/// caller may scan what /dev/kmsg holds (scan()), e.g. to start at the end or to check a saved
/// restart position against the ring.

#include <cstdint>
#include <optional>
#include <string>

namespace klogd {

class LogSource {
 public:
  enum class Kind { kDevice, kProc, kSyscall, kCapture };

  /// What `path` (--kmsg) is when klogd is to read /dev/kmsg records: the device itself (a
  /// character device), or else a saved capture (a file, a pipe, "-" for standard input).
  static Kind records_at(const std::string& path);

  LogSource() = default;
  ~LogSource();
  LogSource(LogSource&& o) noexcept;
  LogSource& operator=(LogSource&& o) noexcept;
  LogSource(const LogSource&) = delete;
  LogSource& operator=(const LogSource&) = delete;

  /// Opens `path` (ignored for kSyscall). A /dev/kmsg that refuses says what is missing
  /// (CAP_SYSLOG, kernel.dmesg_restrict).
  bool open(Kind kind, const std::string& path, std::string* err);

  /// /dev/kmsg: what the ring holds now, read through to its end (the file position moves there).
  struct Scan {
    std::optional<uint64_t> first_seq, last_seq;
    uint64_t records = 0;
  };
  Scan scan();
  /// /dev/kmsg: back to the oldest record the kernel holds.
  void rewind();

  Kind kind() const { return kind_; }
  int fd() const { return fd_; }
  const std::string& path() const { return path_; }
  /// "/dev/kmsg", "syslog(2)", ...
  std::string describe() const;
  /// Text lines rather than records (no sequence numbers): kProc, kSyscall.
  bool gives_text() const { return kind_ == Kind::kProc || kind_ == Kind::kSyscall; }

 private:
  Kind kind_ = Kind::kDevice;
  int fd_ = -1;
  std::string path_;
};

}  // namespace klogd
