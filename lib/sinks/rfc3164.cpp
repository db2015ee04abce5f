#include "sinks/rfc3164.h"

#include "util/text.h"
#include "util/wall_clock.h"

namespace klogd {

std::string format_rfc3164(const FinishedRecord& r, int64_t boot_wall_usec) {
  // A record of another boot cannot be placed on this boot's clock: it is dated when it is sent.
  const int64_t wall = r.boot == RecordBoot::kThis
                           ? boot_wall_usec + static_cast<int64_t>(r.record.ts_usec)
                           : wall_now_usec();
  std::string m = "<" + std::to_string(r.record.prio()) + ">" + rfc3164_time(wall) + " kernel: ";
  m += line_prefix(r);
  append_escaped_control(r.event ? r.event->line : r.text, &m);
  return m;
}

}  // namespace klogd
