#pragma once
/// Restart continuity, like journald's kernel-seqnum file: the next expected /dev/kmsg sequence
/// number and the boot id, in a small file under /run (tmpfs: it survives a restart of klogd, not
/// a reboot). After a restart klogd reads the ring from the oldest record, skips what it already
/// forwarded, and states a gap if records were overwritten meanwhile; with another boot id it
/// starts afresh.
///
/// The file is one fixed-width line, "BOOT_ID SEQ\n", rewritten in place with one pwrite() after
/// each delivered batch. A kill -9 between a batch's delivery and this write repeats that batch
/// at most; nothing is ever skipped.

#include <cstdint>
#include <optional>
#include <string>

namespace klogd {

/// Threads: opened by the main thread before the drop, then saved from the loop thread only.
/// One process holds the file (a second open of the same path by another klogd is not locked
/// out: the pid file keeps a second daemon away).
class SeqnumState {
 public:
  ~SeqnumState();
  /// Opens (creating) the file, never through a symbolic link and only a regular one, and keeps
  /// it open (the daemon opens it before dropping root: no folder needs handing over). Reads what
  /// it holds for `boot_id`. False with *err when the file cannot be opened; a file from another
  /// boot or unreadable content means no resume point.
  bool open(const std::string& path, const std::string& boot_id, std::string* err);
  /// The next sequence number to forward, when this boot's state was found.
  std::optional<uint64_t> resume_seq() const { return resume_; }
  /// Why there is no resume point (another boot id, empty file, garbage), for the log.
  const std::string& note() const { return note_; }
  /// Records that everything before `next_seq` was delivered.
  bool save(uint64_t next_seq, std::string* err);

 private:
  int fd_ = -1;
  std::string boot_id_;
  std::optional<uint64_t> resume_;
  std::optional<uint64_t> saved_;
  std::string note_;
};

}  // namespace klogd
