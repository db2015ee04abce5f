#include "life/privileges.h"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/capability.h>
#include <sys/klog.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace klogd {
namespace {

constexpr int kSyslogActionConsoleLevel = 8;  // syslog(2): set the console log level

using Caps = std::unique_ptr<std::remove_pointer_t<cap_t>, int (*)(void*)>;
Caps caps(cap_t c) { return Caps(c, &cap_free); }

struct passwd* find_user(const std::string& user, std::string* err) {
  struct passwd* pw = ::getpwnam(user.c_str());
  if (!pw) *err = "--user " + user + ": no such user";
  return pw;
}

// CAP_SYSLOG alone, permitted and effective, when `syslog` (else nothing at all).
Caps syslog_only(bool syslog) {
  Caps c = caps(cap_init());
  if (c && syslog) {
    cap_value_t v[] = {CAP_SYSLOG};
    cap_set_flag(c.get(), CAP_PERMITTED, 1, v, CAP_SET);
    cap_set_flag(c.get(), CAP_EFFECTIVE, 1, v, CAP_SET);
  }
  return c;
}

}  // namespace

bool drop_to_user(const std::string& user, std::string* err) {
  struct passwd* pw = find_user(user, err);
  if (!pw) return false;
  if (::prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0 || ::setgroups(0, nullptr) != 0 ||
      ::setgid(pw->pw_gid) != 0 || ::setuid(pw->pw_uid) != 0) {
    *err = "--user " + user + ": " + std::strerror(errno);
    return false;
  }
  Caps keep = syslog_only(true);
  if (!keep || cap_set_proc(keep.get()) != 0) {
    *err = "--user " + user + ": keeping CAP_SYSLOG: " + std::strerror(errno);
    return false;
  }
  ::prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
  return true;
}

namespace {

// Whether the permitted set holds any capability but CAP_SYSLOG (what is inheritable or ambient
// matters only to a program klogd would run, and it runs none).
bool holds_more_than_syslog(cap_t now) {
  for (cap_value_t c = 0; c <= CAP_LAST_CAP; ++c) {
    cap_flag_value_t v = CAP_CLEAR;
    if (c != CAP_SYSLOG && cap_get_flag(now, c, CAP_PERMITTED, &v) == 0 && v == CAP_SET)
      return true;
  }
  return false;
}

}  // namespace

bool keep_only_syslog_capability(std::string* err) {
  if (::geteuid() == 0) return true;
  Caps now = caps(cap_get_proc());
  if (!now || !holds_more_than_syslog(now.get())) return true;  // nothing to drop
  cap_flag_value_t has_syslog = CAP_CLEAR;
  cap_get_flag(now.get(), CAP_SYSLOG, CAP_PERMITTED, &has_syslog);
  Caps keep = syslog_only(has_syslog == CAP_SET);
  cap_reset_ambient();
  if (!keep || cap_set_proc(keep.get()) != 0) {
    *err = std::string("dropping the capabilities but CAP_SYSLOG: ") + std::strerror(errno);
    return false;
  }
  return true;
}

bool holds_syslog_at_most() {
  if (::geteuid() == 0) return false;
  Caps now = caps(cap_get_proc());
  return now && !holds_more_than_syslog(now.get());
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

bool set_console_level(int level, std::string* err) {
  if (::klogctl(kSyslogActionConsoleLevel, nullptr, level) != 0) {
    *err = std::string("cannot set the console log level: ") + std::strerror(errno);
    return false;
  }
  return true;
}

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

bool hand_output_to_user(const std::string& path, const std::string& user, std::string* err) {
  int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    *err = path + ": " + std::strerror(errno);
    return false;
  }
  bool ok = hand_to_user(fd, path, user, err);
  ::close(fd);
  return ok;
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

}  // namespace klogd
