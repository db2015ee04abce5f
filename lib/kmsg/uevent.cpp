#include "kmsg/uevent.h"

namespace klogd {

bool parse_uevent(std::string_view d, Uevent* out) {
  *out = {};
  size_t nul = d.find('\0');
  std::string_view head = d.substr(0, nul);
  size_t at = head.find('@');
  if (at == std::string_view::npos || at == 0 || head.starts_with("libudev")) return false;
  out->action.assign(head.substr(0, at));
  out->devpath.assign(head.substr(at + 1));
  while (nul != std::string_view::npos) {
    d.remove_prefix(nul + 1);
    nul = d.find('\0');
    std::string_view kv = d.substr(0, nul);
    if (kv.starts_with("SUBSYSTEM=")) out->subsystem.assign(kv.substr(10));
    if (kv.starts_with("ACTION=")) out->action.assign(kv.substr(7));
  }
  return true;
}

}  // namespace klogd
