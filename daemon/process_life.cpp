#include "process_life.h"

#include <fcntl.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "util/file_buffer.h"
#include "util/text.h"

namespace klogd {
pid_t pid_in(std::string_view text) {
  std::optional<uint64_t> v = parse_decimal(trim_right(text));
  return v && *v > 0 && *v < (1u << 22) ? static_cast<pid_t>(*v) : 0;
}

PidFile::~PidFile() {
  if (fd_ >= 0) {
    ::unlink(path_.c_str());
    ::close(fd_);
  }
}

bool PidFile::acquire(const std::string& path, std::string* err) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    *err = "pid file " + path + ": " + std::strerror(errno);
    return false;
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    char buf[32] = {};
    ssize_t n = ::read(fd, buf, sizeof buf - 1);
    std::string pid(trim_right(n > 0 ? std::string_view(buf, static_cast<size_t>(n)) : "?"));
    *err = "another klogd is running (pid " + pid + ", pid file " + path + ")";
    ::close(fd);
    return false;
  }
  path_ = path;
  fd_ = fd;
  update();
  return true;
}

void PidFile::update() {
  if (fd_ < 0) return;
  std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd_, 0) == 0) {
    ssize_t ignored = ::pwrite(fd_, pid.data(), pid.size(), 0);
    (void)ignored;
  }
}

void ProcessLife::background(bool keep_stdout) {
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) std::exit(1);
  pid_t pid = ::fork();
  if (pid < 0) std::exit(1);
  if (pid > 0) {
    // The parent returns once the daemon runs, with its pid in the pid file ("R\n" on the
    // pipe); meanwhile the daemon's errors come through the pipe ("M" + text + "\n") and are
    // printed here, since its syslog may not run yet. If the daemon ends first, its start-up
    // failed: exit 1, as an init script expects.
    ::close(pipe_fds[1]);
    std::string got;
    char buf[512];
    for (;;) {
      ssize_t n = ::read(pipe_fds[0], buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      got.append(buf, static_cast<size_t>(n));
      size_t nl;
      while ((nl = got.find('\n')) != std::string::npos) {
        std::string line = got.substr(0, nl);
        got.erase(0, nl + 1);
        if (line == "R") std::_Exit(0);
        if (!line.empty() && line[0] == 'M') {
          line = line.substr(1) + "\n";
          ssize_t ignored = ::write(STDERR_FILENO, line.data(), line.size());
          (void)ignored;
        }
      }
    }
    static const char msg[] = "klogd: the background process ended before it was ready\n";
    ssize_t ignored = ::write(STDERR_FILENO, msg, sizeof msg - 1);
    (void)ignored;
    std::_Exit(1);
  }
  ::close(pipe_fds[0]);
  ready_fd_ = pipe_fds[1];
  ::setsid();
  if (::chdir("/") != 0) std::exit(1);
  int null = ::open("/dev/null", O_RDWR);
  if (null >= 0) {
    ::dup2(null, STDIN_FILENO);
    if (!keep_stdout) ::dup2(null, STDOUT_FILENO);
    ::dup2(null, STDERR_FILENO);
    if (null > STDERR_FILENO) ::close(null);
  }
  pid_file_.update();  // the pid file names the child
}

void ProcessLife::keep_pid_file_as_root(const std::string& path) {
  if (path.empty() || ::geteuid() != 0) return;
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return;
  const pid_t daemon_pid = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    return;
  }
  if (pid > 0) {  // the daemon: holds the write end until it ends, however it ends
    ::close(fds[0]);
    return;
  }
  // The keeper: nothing open but the pipe, deaf to the signals meant for the daemon; when the
  // daemon's end of the pipe closes, removes the pid file if it still names the daemon and
  // nobody holds its lock (a new klogd may have taken it over meanwhile).
  ::prctl(PR_SET_NAME, "klogd-pidfile", 0, 0, 0);
  for (int s : {SIGINT, SIGTERM, SIGHUP, SIGUSR1, SIGUSR2, SIGTSTP, SIGTTIN, SIGTTOU})
    ::signal(s, SIG_IGN);
  for (int fd = 0; fd < 1024; ++fd)
    if (fd != fds[0]) ::close(fd);
  char byte;
  ssize_t n;
  do n = ::read(fds[0], &byte, 1);
  while (n < 0 && errno == EINTR);
  // The lock is released only when the last holder of its open file description closes it: the
  // dying daemon may close the pipe before the pid file, and the launcher that forked it (still
  // waiting for readiness when the daemon dies early) holds it too. So the lock is waited for,
  // a bounded time; a klogd that took the file over holds it longer and keeps it.
  int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  bool locked = false;
  for (int tries = 0; fd >= 0 && !locked && tries < 300; ++tries) {
    locked = ::flock(fd, LOCK_EX | LOCK_NB) == 0;
    if (!locked) ::usleep(10'000);
  }
  if (locked) {
    char buf[32] = {};
    ssize_t got = ::pread(fd, buf, sizeof buf - 1, 0);
    if (got > 0 && pid_in(std::string_view(buf, static_cast<size_t>(got))) == daemon_pid)
      ::unlink(path.c_str());
  }
  ::_exit(0);
}

void ProcessLife::tell_parent(std::string_view message) {
  if (ready_fd_ < 0) return;
  std::string line = "M";
  for (char c : message) line.push_back(c == '\n' ? ' ' : c);
  line.push_back('\n');
  ssize_t ignored = ::write(ready_fd_, line.data(), line.size());
  (void)ignored;
}

void ProcessLife::ready() {
  if (ready_fd_ < 0) return;
  ssize_t ignored = ::write(ready_fd_, "R\n", 2);
  (void)ignored;
  ::close(ready_fd_);
  ready_fd_ = -1;
}

int signal_running_klogd(const std::string& path, bool all) {
  // Only a pid file that a running klogd holds locked names a klogd: a stale one (a klogd that
  // crashed, its pid reused since) must not get a signal meant for klogd.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    spdlog::error("no running klogd: {}: {}", path, std::strerror(errno));
    return 1;
  }
  char buf[32] = {};
  ssize_t n = ::read(fd, buf, sizeof buf - 1);
  pid_t pid = n > 0 ? pid_in(std::string_view(buf, static_cast<size_t>(n))) : 0;
  if (::flock(fd, LOCK_SH | LOCK_NB) == 0) {
    ::close(fd);
    spdlog::error("no running klogd: {} is not locked by one (a stale pid file naming pid {})",
                  path, pid);
    return 1;
  }
  ::close(fd);
  const int sig = all ? SIGUSR2 : SIGUSR1;
  if (pid <= 0 || ::kill(pid, sig) != 0) {
    spdlog::error("cannot signal klogd (pid file {}): {}", path,
                  pid <= 0 ? "bad pid" : std::strerror(errno));
    return 1;
  }
  return 0;
}

}  // namespace klogd
