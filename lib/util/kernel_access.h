#pragma once
/// Why the kernel hides things from this process, said plainly: reading the log needs CAP_SYSLOG
/// while kernel.dmesg_restrict is 1; real addresses in /proc/kallsyms and /proc/modules need
/// CAP_SYSLOG (unless kptr_restrict is 0 and perf_event_paranoid at most 1), and nobody sees them
/// at kptr_restrict 2.

#include <string>

namespace klogd {

/// Whether CAP_SYSLOG is in this process's effective set.
bool has_cap_syslog();

/// For a refused /dev/kmsg or syslog(2): "kernel.dmesg_restrict is 1 and this process lacks
/// CAP_SYSLOG: run klogd as root, or give it CAP_SYSLOG (...)".
std::string kernel_log_access_hint();

/// For kallsyms/modules showing zero addresses: the kptr_restrict value and what it takes.
std::string kernel_pointer_access_hint();

/// For a kernel file that cannot be read: when something is mounted over it (its device is not
/// its folder's: a sandbox such as systemd's ProtectKernelTunables=, which puts an inaccessible
/// node over /proc/kallsyms, or InaccessiblePaths=), says so: " (hidden by a mount over it: ...)";
/// "" otherwise.
std::string mounted_over_hint(const std::string& path);

}  // namespace klogd
