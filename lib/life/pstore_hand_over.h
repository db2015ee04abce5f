#pragma once
/// klogd --hand-over-pstore DIR: the previous boot's dumps, copied by root for klogd to read.
/// pstore's records and systemd-pstore's archive are root's alone (0750, 0600): the systemd unit
/// runs this before klogd (ExecStartPre=+), so that klogd itself needs no capability to read
/// them (CAP_DAC_READ_SEARCH would be one more than CAP_SYSLOG) and parses them unprivileged.
///
/// It reads nothing but the first bytes of each file in the default places (pstore/
/// previous_boot.h), one level of folders down, and copies only what those bytes say is a dump
/// (dump_form), at most kMaxPstoreText each, never through a symbolic link, and only regular
/// files. DIR is made 0700 and given to `owner`; each copy is written there anew (O_EXCL under a
/// name of its own) and handed over too. klogd removes the copies once it harvested them.

#include <string>
#include <vector>

namespace klogd {

struct HandOver {
  size_t copied = 0;
  std::vector<std::string> problems;
};

/// Copies the dumps in `from` into `dir` for `owner` ("" keeps them root's).
HandOver hand_over_pstore(const std::vector<std::string>& from, const std::string& dir,
                          const std::string& owner);

}  // namespace klogd
