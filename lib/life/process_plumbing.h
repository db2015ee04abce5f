#pragma once
/// What the daemon's life asks of the process around it: the pid file, the fork into the
/// background and the readiness the forking parent waits for. daemon/process_life.cpp is the
/// real one; a test gives its own (nothing forks, nothing is written).
#include <string>
#include <string_view>

namespace klogd {

class ProcessPlumbing {
 public:
  virtual ~ProcessPlumbing() = default;
  /// Creates and locks the pid file (a second instance is refused while the first lives); it is
  /// held for the process's life and removed at its end. False with a message.
  virtual bool acquire_pid_file(const std::string& path, std::string* err) = 0;
  /// Forks into the background and returns in the child (stdin and stderr to /dev/null, stdout
  /// too unless `keep_stdout`); the pid file then names the child. The parent waits for ready()
  /// and exits 0, or exits 1 when the child ends first.
  virtual void background(bool keep_stdout) = 0;
  /// Until ready(), a start-up error is also told where klogd was started (the parent's stderr).
  virtual void tell_parent(std::string_view message) = 0;
  /// Before the drop to --user: a process that stays root to remove the pid file from a root
  /// folder (/run) once the daemon has ended, even by kill -9.
  virtual void keep_pid_file_as_root(const std::string& path) = 0;
  /// The daemon runs (reading has begun): the waiting parent may exit 0.
  virtual void ready() = 0;
};

}  // namespace klogd
