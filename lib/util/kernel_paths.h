#pragma once
/// The kernel's files that klogd reads, in one struct with their real paths as defaults. The
/// daemon fills in what its options name (--kmsg, --kallsyms, --modules); a test fills in a
/// tree of its own (KernelPaths::under). Nothing else in klogd names these paths.

#include <string>

namespace klogd {

struct KernelPaths {
  std::string kmsg = "/dev/kmsg";
  std::string proc_kmsg = "/proc/kmsg";
  std::string kallsyms = "/proc/kallsyms";
  std::string modules = "/proc/modules";
  std::string osrelease;  ///< a file holding the release; "" = uname()
  std::string cmdline = "/proc/cmdline";
  std::string config_gz = "/proc/config.gz";
  std::string boot_dir = "/boot";  ///< where config-RELEASE is
  std::string kcore = "/proc/kcore";
  std::string boot_id = "/proc/sys/kernel/random/boot_id";
  std::string map_root;  ///< prefix of every System.map candidate ("" = /)

  /// Every path inside `root`, a fake tree shaped like / (tests).
  static KernelPaths under(const std::string& root) {
    KernelPaths p;
    for (std::string* s : {&p.kmsg, &p.proc_kmsg, &p.kallsyms, &p.modules, &p.cmdline, &p.config_gz,
                           &p.boot_dir, &p.kcore, &p.boot_id})
      *s = root + *s;
    p.osrelease = root + "/proc/sys/kernel/osrelease";
    p.map_root = root;
    return p;
  }
};

}  // namespace klogd
