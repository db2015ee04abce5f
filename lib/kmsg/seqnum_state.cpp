#include "kmsg/seqnum_state.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string_view>

#include "util/fd_io.h"
#include "util/text.h"

namespace klogd {

SeqnumState::~SeqnumState() {
  if (fd_ >= 0) ::close(fd_);
}

bool SeqnumState::open(const std::string& path, const std::string& boot_id, std::string* err) {
  // Never through a symbolic link, and only a regular file: klogd opens it as root.
  fd_ = open_state_file(path, 0644, err);
  if (fd_ < 0) return false;
  boot_id_ = boot_id;
  char buf[128] = {};
  ssize_t n = ::pread(fd_, buf, sizeof buf - 1, 0);
  if (n <= 0) {
    note_ = "no saved position (first start)";
    return true;
  }
  // "BOOT_ID SEQ\n"
  std::string_view line(buf, static_cast<size_t>(n));
  size_t space = line.find(' ');
  std::string_view saved_boot = line.substr(0, space);
  if (space == std::string_view::npos || space == 0) {
    note_ = "saved position unreadable: starting from the oldest record";
    return true;
  }
  if (boot_id != saved_boot) {
    note_ = "saved position is from another boot: starting from the oldest record";
    return true;
  }
  std::optional<uint64_t> seq = parse_decimal(trim_right(line.substr(space + 1)));
  if (!seq) {
    note_ = "saved position unreadable: starting from the oldest record";
    return true;
  }
  resume_ = *seq;
  note_ = "resuming at sequence number " + std::to_string(*seq);
  return true;
}

bool SeqnumState::save(uint64_t next_seq, std::string* err) {
  if (fd_ < 0 || saved_ == next_seq) return true;
  char line[128];
  int n = std::snprintf(line, sizeof line, "%s %020llu\n", boot_id_.c_str(),
                        static_cast<unsigned long long>(next_seq));
  if (::pwrite(fd_, line, static_cast<size_t>(n), 0) != n) {
    *err = std::string("saving the kmsg position: ") + std::strerror(errno);
    return false;
  }
  saved_ = next_seq;
  return true;
}

}  // namespace klogd
