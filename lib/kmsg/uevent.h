#pragma once
/// Kernel uevents (NETLINK_KOBJECT_UEVENT, group 1): "ACTION@DEVPATH\0KEY=value\0...". klogd
/// listens for SUBSYSTEM=module add/remove to reload its module tables the moment a module comes
/// or goes, with no polling. Pure parsing; the daemon owns the socket.

#include <string>
#include <string_view>

namespace klogd {

struct Uevent {
  std::string action;
  std::string devpath;
  std::string subsystem;
};

/// Parses one datagram; false when it is not a kernel uevent (e.g. udev's "libudev" messages).
bool parse_uevent(std::string_view datagram, Uevent* out);

/// True for a module being loaded or unloaded.
inline bool is_module_change(const Uevent& e) {
  return e.subsystem == "module" && (e.action == "add" || e.action == "remove");
}

}  // namespace klogd
