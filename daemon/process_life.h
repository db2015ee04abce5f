#pragma once
// Process life: the pid file, forking into the background, dropping privileges, the console
// level; and -i/-I, which signal the running klogd through its pid file.
#include <string>

namespace klogd {

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

/// Forks into the background: the parent exits 0, the child starts a new session, changes to /
/// and points stdin/stdout/stderr at /dev/null (unless stdout is the output).
void daemonize(bool keep_stdout);

/// Drops from root to `user` (its primary group, no supplementary groups), keeping only
/// CAP_SYSLOG, which reading /dev/kmsg under dmesg_restrict and real kallsyms addresses need.
bool drop_to_user(const std::string& user, std::string* err);

/// klogd -c N: the console log level through syslog(2) (SYSLOG_ACTION_CONSOLE_LEVEL).
bool set_console_level(int level, std::string* err);

}  // namespace klogd
