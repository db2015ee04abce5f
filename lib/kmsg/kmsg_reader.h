#pragma once
/// Reads /dev/kmsg one record per read(), non-blocking, as the kernel's ABI asks: a buffer of
/// kMaxRecordBytes + 1 (a shorter one loses the record with EINVAL), EINTR retried, EPIPE
/// (our position was overwritten) reported as an overrun after which reading goes on from the
/// oldest record still there. The caller learns how many were lost from the sequence gap.

#include <string>
#include <string_view>

namespace klogd {

class KmsgReader {
 public:
  enum class Result { kRecord, kAgain, kOverrun, kEof, kError };

  KmsgReader() = default;
  ~KmsgReader();
  KmsgReader(const KmsgReader&) = delete;
  KmsgReader& operator=(const KmsgReader&) = delete;

  /// Opens `path` (normally /dev/kmsg) non-blocking at the oldest record the kernel still holds.
  /// (Starting "at the end" is the caller's job: it reads past what is there, so that it knows
  /// the last sequence number; a seek to the end would not tell it.)
  bool open(const std::string& path, std::string* err);
  /// Adopts an fd that is already open (tests: a pipe or a regular file of records).
  void adopt(int fd);
  /// Reads one record into record(). kError sets *err.
  Result read(std::string* err);
  std::string_view record() const { return {buffer_.data(), length_}; }
  /// Gives up ownership of the fd (Asio takes it).
  int release();

 private:
  int fd_ = -1;
  std::string buffer_;
  size_t length_ = 0;
};

}  // namespace klogd
