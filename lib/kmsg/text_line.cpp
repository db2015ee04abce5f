#include "kmsg/text_line.h"

#include <algorithm>
#include <optional>

#include "util/text.h"

namespace klogd {

void parse_text_line(std::string_view line, uint64_t seq, KmsgRecord* out) {
  *out = {};
  out->seq = seq;
  out->level = 4;
  if (line.size() >= 3 && line[0] == '<') {
    size_t close = line.find('>');
    std::optional<uint64_t> prio;
    if (close != std::string_view::npos && close > 1 && close < 6)
      prio = parse_decimal(line.substr(1, close - 1));
    if (prio) {
      out->facility = static_cast<int>(*prio >> 3);
      out->level = static_cast<int>(*prio & 7);
      line.remove_prefix(close + 1);
    }
  }
  // "[    1.234567] "
  if (line.size() > 3 && line[0] == '[') {
    size_t close = line.find(']');
    size_t dot = line.find('.');
    if (close != std::string_view::npos && dot < close && close < 24) {
      std::string_view whole = line.substr(1, dot - 1);
      whole.remove_prefix(std::min(whole.size(), whole.find_first_not_of(' ')));
      std::optional<uint64_t> secs = parse_decimal(whole);
      std::optional<uint64_t> usecs = parse_decimal(line.substr(dot + 1, close - dot - 1));
      if (secs && usecs) {
        out->ts_usec = *secs * 1000000 + *usecs;
        line.remove_prefix(close + 1);
        if (!line.empty() && line[0] == ' ') line.remove_prefix(1);
      }
    }
  }
  out->text.assign(line);
}

}  // namespace klogd
