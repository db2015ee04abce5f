#include "kmsg/text_line.h"

#include "kmsg/printk_prefix.h"

namespace klogd {

void parse_text_line(std::string_view line, uint64_t seq, KmsgRecord* out) {
  *out = {};
  out->seq = seq;
  out->level = 4;
  size_t n = 0;
  if (std::optional<int> prio = parse_printk_prio(line, &n)) {
    out->facility = *prio >> 3;
    out->level = *prio & 7;
    line.remove_prefix(n);
  }
  if (std::optional<uint64_t> ts = parse_printk_time(line, &n)) {  // "[    1.234567] "
    out->ts_usec = *ts;
    line.remove_prefix(n);
    if (!line.empty() && line[0] == ' ') line.remove_prefix(1);
  }
  out->text.assign(line);
}

}  // namespace klogd
