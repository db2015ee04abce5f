// klogd -i / -I: signal the running klogd (SIGUSR1: reload module symbols; SIGUSR2: all
// symbols) through its pid file, as sysklogd's klogd did.
#include <fcntl.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>

#include "modes.h"
#include "process_life.h"

namespace klogd {

int run_signal(const Options& o) {
  // Only a pid file that a running klogd holds locked names a klogd: a stale one (a klogd that
  // crashed, its pid reused since) must not get a signal meant for klogd.
  int fd = ::open(o.pid_file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    spdlog::error("no running klogd: {}: {}", o.pid_file, std::strerror(errno));
    return 1;
  }
  char buf[32] = {};
  ssize_t n = ::read(fd, buf, sizeof buf - 1);
  pid_t pid = n > 0 ? pid_in(std::string_view(buf, static_cast<size_t>(n))) : 0;
  if (::flock(fd, LOCK_SH | LOCK_NB) == 0) {
    ::close(fd);
    spdlog::error("no running klogd: {} is not locked by one (a stale pid file naming pid {})",
                  o.pid_file, pid);
    return 1;
  }
  ::close(fd);
  int sig = o.signal_usr2 ? SIGUSR2 : SIGUSR1;
  if (pid <= 0 || ::kill(pid, sig) != 0) {
    spdlog::error("cannot signal klogd (pid file {}): {}", o.pid_file,
                  pid <= 0 ? "bad pid" : std::strerror(errno));
    return 1;
  }
  return 0;
}

}  // namespace klogd
