#pragma once
/// What klogd keeps across reboots for the previous boot's crashes (--pstore-state, default
/// /var/lib/klogd/pstore-state): which pstore and kdump dumps it has harvested (so each is
/// harvested once, ever), and the kernel time of the last record each boot delivered (so that
/// the next boot sends only the last words that never left).
///
/// The file is text:
///   klogd-pstore-state 1
///   this BOOT_ID TIME        this boot's id and last delivered kernel time (microseconds)
///   previous BOOT_ID TIME    the boot before, as it ended
///   dump KEY                 one per harvested dump (the newest kMaxPstoreKeys)
/// TIME is fixed-width ("-" padded when none), so that saving it is one pwrite() in place after
/// a delivered batch, never an fsync: the page cache reaches the disk within the kernel's
/// writeback time (dirty_expire_centisecs, 30 s by default), so a panic repeats at most the
/// records of that last half minute on the next boot, and never loses one.

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace klogd {

inline constexpr size_t kMaxPstoreKeys = 1000;

/// Threads: opened and harvested on the main thread before the drop; afterwards only the loop
/// thread writes the delivered time (save_delivered). The file is flock'ed while open: a second
/// klogd finds it busy() and harvests without remembering.
class PstoreState {
 public:
  ~PstoreState();
  /// Opens (creating) the file, never through a symbolic link and only a regular one, and keeps
  /// it open and locked (after the drop to --user it is still written; another klogd's start
  /// leaves it alone: busy()). With another boot's id in its
  /// "this" line, that line becomes "previous". False with *err when the file cannot be opened;
  /// unreadable content is started afresh, with *note saying so.
  bool open(const std::string& path, const std::string& boot_id, std::string* err,
            std::string* note);
  bool is_open() const { return fd_ >= 0; }
  /// open() failed because another klogd holds the file (its lock).
  bool busy() const { return busy_; }

  bool known(const std::string& key) const { return keys_.count(key) != 0; }
  /// Adds harvested dumps' keys and rewrites the file.
  bool remember(const std::vector<std::string>& keys, std::string* err);

  /// The previous boot's id, "" when unknown.
  const std::string& previous_boot_id() const { return previous_id_; }
  /// The kernel time of the last record the previous boot delivered, when klogd knows it.
  std::optional<uint64_t> previous_delivered_usec() const { return previous_ts_; }

  /// Saves this boot's last delivered kernel time (one pwrite in place, no fsync).
  bool save_delivered(uint64_t ts_usec, std::string* err);

 private:
  bool rewrite(std::string* err);
  int fd_ = -1;
  bool busy_ = false;
  std::string path_;
  std::string boot_id_;
  std::optional<uint64_t> this_ts_;
  std::string previous_id_;
  std::optional<uint64_t> previous_ts_;
  std::set<std::string> keys_;
  std::vector<std::string> order_;  // keys_, oldest first
};

}  // namespace klogd
