#pragma once
// Process life: the pid file, forking into the background, dropping privileges, the console
// level. (-i/-I, which signal the running klogd through its pid file: run_signal.cpp.)
#include <sys/types.h>

#include <string>
#include <string_view>

namespace klogd {

/// The pid a pid file holds ("1234\n"), 0 when it holds none that could be a process's.
pid_t pid_in(std::string_view text);

/// Creates and locks the pid file (flock: a second instance is refused while the first lives,
/// and a stale file from a crash is taken over). Holds it open for the process's life.
class PidFile {
 public:
  ~PidFile();
  /// False with a message naming the running instance or the error.
  bool acquire(const std::string& path, std::string* err);
  /// Rewrites the pid (after fork).
  void update();

 private:
  std::string path_;
  int fd_ = -1;
};

/// Forks into the background: the child starts a new session, changes to / and points
/// stdin/stdout/stderr at /dev/null (unless stdout is the output). The parent waits until the
/// child calls daemon_ready(), then exits 0; if the child ends first (its start-up failed:
/// a port in use, a folder it cannot write), the parent says so and exits 1.
void daemonize(bool keep_stdout);
/// For a daemon that will drop root (--user) and so cannot remove its pid file from a root
/// folder such as /run: a small process that stays root, holds nothing open but a pipe from the
/// daemon, and removes the pid file once the daemon has ended (a kill -9 included), if the file
/// still names it and no klogd holds its lock.
void keep_pid_file_as_root(const std::string& path);

/// For klogd started as a user with capabilities (the systemd unit: CAP_SYSLOG, and
/// CAP_DAC_READ_SEARCH for reading the previous boot's pstore and kdump files at start): keeps
/// CAP_SYSLOG alone from here on, ambient and inheritable ones cleared. Nothing for root (it
/// drops with --user) and nothing when no other capability is held. False with *err on failure.
bool keep_only_syslog_capability(std::string* err);

/// Until daemon_ready(): the waiting parent prints `message` on its stderr (the daemon's errors,
/// so that a start-up failure is told where klogd was started, even with no syslog yet).
void tell_parent(std::string_view message);
/// The daemon runs (pid file written, pipeline started): lets the waiting parent exit 0. Nothing
/// when klogd did not fork.
void daemon_ready();

/// Drops from root to `user` (its primary group, no supplementary groups), keeping only
/// CAP_SYSLOG, which reading /dev/kmsg under dmesg_restrict and real kallsyms addresses need.
bool drop_to_user(const std::string& user, std::string* err);

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

/// Lets this process (and the user it drops to) run a thread at SCHED_FIFO `priority`: raises
/// RLIMIT_RTPRIO while still root. A no-op for 0 or when not root (then the limit is systemd's
/// LimitRTPRIO=).
void allow_realtime(int priority);

}  // namespace klogd
