#pragma once
// Process plumbing: the pid file, forking into the background and telling the waiting parent,
// the root process that removes the pid file after a drop to --user; and -i/-I, which signal the
// running klogd through its pid file. The daemon's life (lib/life) asks for them through
// ProcessPlumbing.
#include <sys/types.h>

#include <string>
#include <string_view>

#include "life/process_plumbing.h"

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

/// The real process around the daemon (life/process_plumbing.h).
class ProcessLife final : public ProcessPlumbing {
 public:
  bool acquire_pid_file(const std::string& path, std::string* err) override {
    return pid_file_.acquire(path, err);
  }
  /// The child starts a new session, changes to / and points stdin/stdout/stderr at /dev/null
  /// (unless stdout is the output). The parent waits until the child calls ready(), then exits
  /// 0; if the child ends first (its start-up failed: a port in use, a folder it cannot write),
  /// the parent says so and exits 1.
  void background(bool keep_stdout) override;
  void tell_parent(std::string_view message) override;
  /// A small process that stays root, holds nothing open but a pipe from the daemon, and
  /// removes the pid file once the daemon has ended (a kill -9 included), if the file still
  /// names it and no klogd holds its lock.
  void keep_pid_file_as_root(const std::string& path) override;
  void ready() override;

 private:
  PidFile pid_file_;
  int ready_fd_ = -1;  // the child's end of the pipe its parent waits on
};

/// klogd -i / -I: SIGUSR1 (reload module symbols) or, with `all`, SIGUSR2 (all symbols) to the
/// klogd that holds `pid_file` locked. Exit status 0 when it was signalled.
int signal_running_klogd(const std::string& pid_file, bool all);

}  // namespace klogd
