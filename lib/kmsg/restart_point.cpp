#include "kmsg/restart_point.h"

namespace klogd {

RestartPoint choose_restart_point(std::optional<uint64_t> saved,
                                  std::optional<uint64_t> ring_last) {
  RestartPoint p;
  if (!saved) return p;
  if (ring_last && *saved > *ring_last + 1) {
    p.warning = "the saved position " + std::to_string(*saved) +
                " is past the newest record in the kernel's ring (" + std::to_string(*ring_last) +
                "): it cannot be this ring's; reading from the oldest record";
    return p;
  }
  p.resume_at = saved;
  return p;
}

}  // namespace klogd
