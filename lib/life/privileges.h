#pragma once
/// What klogd holds as root, and how it lets go of it: the folders and files handed to --user,
/// the privilege drop keeping CAP_SYSLOG alone (capabilities through libcap, the library
/// systemd's and util-linux's tools use, rather than raw capset(2)), the real-time limit for the
/// reading thread, the console level. Each function acts on the whole process: call them from
/// the main thread before any other thread starts (capabilities and credentials are per
/// thread in the kernel; threads made later inherit them).

#include <string>

namespace klogd {

/// Drops from root to `user` (its primary group, no supplementary groups), keeping only
/// CAP_SYSLOG, which reading /dev/kmsg under dmesg_restrict and real kallsyms addresses need.
bool drop_to_user(const std::string& user, std::string* err);

/// For klogd started as a user with capabilities (the systemd unit: CAP_SYSLOG, and
/// CAP_DAC_READ_SEARCH for reading the previous boot's pstore and kdump files at start): keeps
/// CAP_SYSLOG alone from here on, ambient and inheritable ones cleared. Nothing for root (it
/// drops with --user) and nothing when no other capability is held. False with *err on failure.
bool keep_only_syslog_capability(std::string* err);

/// Whether this process holds no capability but CAP_SYSLOG (and is not root): nothing of its
/// privileges is to be dropped later.
bool holds_syslog_at_most();

/// Lets this process (and the user it drops to) run a thread at SCHED_FIFO `priority`: raises
/// RLIMIT_RTPRIO while still root. A no-op for 0 or when not root (then the limit is systemd's
/// LimitRTPRIO=).
void allow_realtime(int priority);

/// klogd -c N: the console log level through syslog(2) (SYSLOG_ACTION_CONSOLE_LEVEL).
bool set_console_level(int level, std::string* err);

/// Makes `dir` (with its missing parents, root's) for klogd to write in after the drop to
/// `user`. klogd hands over only what it makes itself: a folder it makes now becomes the user's
/// (0700); one that exists must already be the user's, or klogd refuses, naming what it needs
/// (an existing /run or /var/lib is never given away). A symbolic link is refused. Without
/// `user`, or not as root, the folder is only made. False with the reason.
bool prepare_writable_dir(const std::string& dir, const std::string& user, std::string* err);

/// Makes the missing folders above `path` (root's, 0755), for a file klogd opens before the drop
/// and keeps open (the state file).
bool make_folders_for(const std::string& path, std::string* err);

/// Hands the open file or folder `fd` (named `what` in a message) to `user`, when klogd runs as
/// root and will drop to it.
bool hand_to_user(int fd, const std::string& what, const std::string& user, std::string* err);

/// The output file klogd just made, handed to `user` through a descriptor of its own (never
/// through a symbolic link), so that SIGHUP can reopen it after the drop.
bool hand_output_to_user(const std::string& path, const std::string& user, std::string* err);

}  // namespace klogd
