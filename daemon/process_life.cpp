#include "process_life.h"

#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/file.h>
#include <sys/klog.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "modes.h"
#include "util/file_buffer.h"
#include "util/text.h"

namespace klogd {
namespace {

constexpr int kSyslogActionConsoleLevel = 8;  // syslog(2): set the console log level

}  // namespace

pid_t pid_in(std::string_view text) {
  std::optional<uint64_t> v = parse_decimal(trim_right(text));
  return v && *v > 0 && *v < (1u << 22) ? static_cast<pid_t>(*v) : 0;
}

namespace {

struct passwd* find_user(const std::string& user, std::string* err) {
  struct passwd* pw = ::getpwnam(user.c_str());
  if (!pw) *err = "--user " + user + ": no such user";
  return pw;
}

}  // namespace

bool make_folders_for(const std::string& path, std::string* err) {
  size_t at = 1;
  while ((at = path.find('/', at)) != std::string::npos) {
    std::string part = path.substr(0, at++);
    if (::mkdir(part.c_str(), 0755) != 0 && errno != EEXIST) {
      *err = part + ": " + std::strerror(errno);
      return false;
    }
  }
  return true;
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

namespace {
int ready_fd = -1;  // the child's end of the pipe its parent waits on
}  // namespace

void daemonize(bool keep_stdout) {
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
  ready_fd = pipe_fds[1];
  ::setsid();
  if (::chdir("/") != 0) std::exit(1);
  int null = ::open("/dev/null", O_RDWR);
  if (null >= 0) {
    ::dup2(null, STDIN_FILENO);
    if (!keep_stdout) ::dup2(null, STDOUT_FILENO);
    ::dup2(null, STDERR_FILENO);
    if (null > STDERR_FILENO) ::close(null);
  }
}

void keep_pid_file_as_root(const std::string& path) {
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

void tell_parent(std::string_view message) {
  if (ready_fd < 0) return;
  std::string line = "M";
  for (char c : message) line.push_back(c == '\n' ? ' ' : c);
  line.push_back('\n');
  ssize_t ignored = ::write(ready_fd, line.data(), line.size());
  (void)ignored;
}

void daemon_ready() {
  if (ready_fd < 0) return;
  ssize_t ignored = ::write(ready_fd, "R\n", 2);
  (void)ignored;
  ::close(ready_fd);
  ready_fd = -1;
}

bool drop_to_user(const std::string& user, std::string* err) {
  struct passwd* pw = find_user(user, err);
  if (!pw) return false;
  if (::prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0 || ::setgroups(0, nullptr) != 0 ||
      ::setgid(pw->pw_gid) != 0 || ::setuid(pw->pw_uid) != 0) {
    *err = "--user " + user + ": " + std::strerror(errno);
    return false;
  }
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2] = {};
  data[CAP_SYSLOG / 32].permitted = data[CAP_SYSLOG / 32].effective = 1u << (CAP_SYSLOG % 32);
  if (::syscall(SYS_capset, &header, data) != 0) {
    *err = "--user " + user + ": keeping CAP_SYSLOG: " + std::strerror(errno);
    return false;
  }
  ::prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
  return true;
}

bool keep_only_syslog_capability(std::string* err) {
  if (::geteuid() == 0) return true;
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct now[2] = {};
  if (::syscall(SYS_capget, &header, now) != 0) return true;  // nothing known: nothing to drop
  __user_cap_data_struct data[2] = {};
  const uint32_t syslog = 1u << (CAP_SYSLOG % 32);
  data[CAP_SYSLOG / 32].permitted = now[CAP_SYSLOG / 32].permitted & syslog;
  data[CAP_SYSLOG / 32].effective = now[CAP_SYSLOG / 32].effective & syslog;
  bool more = false;
  for (int i = 0; i < 2; ++i)
    more = more || now[i].permitted != data[i].permitted || now[i].inheritable != 0;
  if (!more) return true;
  ::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
  if (::syscall(SYS_capset, &header, data) != 0) {
    *err = std::string("dropping the capabilities but CAP_SYSLOG: ") + std::strerror(errno);
    return false;
  }
  return true;
}

bool set_console_level(int level, std::string* err) {
  if (::klogctl(kSyslogActionConsoleLevel, nullptr, level) != 0) {
    *err = std::string("cannot set the console log level: ") + std::strerror(errno);
    return false;
  }
  return true;
}

bool hand_to_user(int fd, const std::string& what, const std::string& user, std::string* err) {
  if (user.empty() || ::geteuid() != 0) return true;
  struct passwd* pw = find_user(user, err);
  if (!pw) return false;
  if (::fchown(fd, pw->pw_uid, pw->pw_gid) != 0) {
    *err = what + ": cannot hand it to " + user + ": " + std::strerror(errno);
    return false;
  }
  return true;
}

bool prepare_writable_dir(const std::string& dir, const std::string& user, std::string* err) {
  if (dir.empty() || dir == "/") {
    *err = "'" + dir + "': not a folder klogd can keep files in";
    return false;
  }
  std::string path = dir;
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  if (!make_folders_for(path, err)) return false;
  const bool handing = !user.empty() && ::geteuid() == 0;
  // The last folder: klogd's own only when klogd makes it now. Opened without following a
  // symbolic link, and changed through that descriptor, so nothing swapped in its place is
  // handed over.
  const bool made = ::mkdir(path.c_str(), handing ? 0700 : 0755) == 0;
  if (!made && errno != EEXIST) {
    *err = path + ": " + std::strerror(errno);
    return false;
  }
  int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    *err =
        path + ": " +
        (errno == ELOOP || errno == ENOTDIR ? std::string("not a folder") : std::strerror(errno));
    return false;
  }
  bool ok = true;
  if (handing) {
    struct stat st {};
    struct passwd* pw = find_user(user, err);
    if (!pw || ::fstat(fd, &st) != 0) {
      ok = false;
      if (pw) *err = path + ": " + std::strerror(errno);
    } else if (made) {
      ok = hand_to_user(fd, path, user, err);
    } else if (st.st_uid != pw->pw_uid) {
      // A folder klogd did not make is never given away (it may be /run or /var/lib).
      *err = path + " exists and belongs to uid " + std::to_string(st.st_uid) + ", not to " + user +
             ": klogd hands over only folders it makes itself; give it a folder of its " +
             "own (chown " + user + " " + path + ", or name one that does not exist yet)";
      ok = false;
    }
  }
  ::close(fd);
  return ok;
}

void allow_realtime(int priority) {
  if (priority <= 0 || ::geteuid() != 0) return;
  rlimit r{};
  if (::getrlimit(RLIMIT_RTPRIO, &r) == 0 && r.rlim_max >= static_cast<rlim_t>(priority) &&
      r.rlim_cur >= static_cast<rlim_t>(priority))
    return;
  r.rlim_cur = r.rlim_max = static_cast<rlim_t>(priority);
  ::setrlimit(RLIMIT_RTPRIO, &r);
}

}  // namespace klogd
