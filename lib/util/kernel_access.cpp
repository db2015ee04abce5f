#include "util/kernel_access.h"

#include <linux/capability.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/file_buffer.h"
#include "util/text.h"

namespace klogd {
namespace {

std::string sysctl(const char* path) {
  std::string v, err;
  if (!read_small_file(path, &v, &err)) return "?";
  trim_right(&v);
  return v;
}

}  // namespace

bool has_cap_syslog() {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2] = {};
  if (::syscall(SYS_capget, &header, data) != 0) return false;
  return data[CAP_SYSLOG / 32].effective & (1u << (CAP_SYSLOG % 32));
}

std::string kernel_log_access_hint() {
  std::string restrict_ = sysctl("/proc/sys/kernel/dmesg_restrict");
  if (has_cap_syslog()) return "kernel.dmesg_restrict is " + restrict_ + " and CAP_SYSLOG is held";
  return "kernel.dmesg_restrict is " + restrict_ +
         " and this process lacks CAP_SYSLOG: run klogd as root, or give it CAP_SYSLOG (--user "
         "keeps it, the systemd unit grants it)";
}

std::string kernel_pointer_access_hint() {
  // kallsyms_show_value(): 2 hides from everyone; 0 shows them to all only while
  // perf_event_paranoid <= 1; otherwise CAP_SYSLOG is what shows them.
  std::string k = sysctl("/proc/sys/kernel/kptr_restrict");
  if (k == "2") return "kernel.kptr_restrict is 2: addresses are hidden from everyone";
  if (has_cap_syslog()) return "kernel.kptr_restrict is " + k + " (CAP_SYSLOG is held)";
  std::string why = "kernel.kptr_restrict is " + k;
  if (k == "0")
    why += " and kernel.perf_event_paranoid is " + sysctl("/proc/sys/kernel/perf_event_paranoid");
  return why + ": real addresses need CAP_SYSLOG, which this process lacks";
}

std::string mounted_over_hint(const std::string& path) {
  struct stat file {
  }, folder{};
  const std::string dir = path.substr(0, path.rfind('/') == 0 ? 1 : path.rfind('/'));
  if (path.find('/') == std::string::npos || ::stat(path.c_str(), &file) != 0 ||
      ::stat(dir.c_str(), &folder) != 0 || file.st_dev == folder.st_dev)
    return "";
  return " (hidden by a mount over it: a sandbox such as the systemd unit's ProtectKernelTunables= "
         "or InaccessiblePaths= keeps it from klogd, not the file itself)";
}

}  // namespace klogd
