#include "kmsg/text_line.h"

namespace klogd {

void parse_text_line(std::string_view line, uint64_t seq, KmsgRecord* out) {
  *out = {};
  out->seq = seq;
  out->level = 4;
  if (line.size() >= 3 && line[0] == '<') {
    size_t close = line.find('>');
    unsigned prio = 0;
    bool ok = close != std::string_view::npos && close > 1 && close < 6;
    for (size_t i = 1; ok && i < close; ++i) {
      ok = line[i] >= '0' && line[i] <= '9';
      prio = prio * 10 + static_cast<unsigned>(line[i] - '0');
    }
    if (ok) {
      out->facility = static_cast<int>(prio >> 3);
      out->level = static_cast<int>(prio & 7);
      line.remove_prefix(close + 1);
    }
  }
  // "[    1.234567] "
  if (line.size() > 3 && line[0] == '[') {
    size_t close = line.find(']');
    size_t dot = line.find('.');
    if (close != std::string_view::npos && dot < close && close < 24) {
      uint64_t secs = 0, usecs = 0;
      bool ok = true;
      for (size_t i = 1; i < dot && ok; ++i) {
        if (line[i] == ' ') continue;
        ok = line[i] >= '0' && line[i] <= '9';
        secs = secs * 10 + static_cast<uint64_t>(line[i] - '0');
      }
      for (size_t i = dot + 1; i < close && ok; ++i) {
        ok = line[i] >= '0' && line[i] <= '9';
        usecs = usecs * 10 + static_cast<uint64_t>(line[i] - '0');
      }
      if (ok) {
        out->ts_usec = secs * 1000000 + usecs;
        line.remove_prefix(close + 1);
        if (!line.empty() && line[0] == ' ') line.remove_prefix(1);
      }
    }
  }
  out->text.assign(line);
}

}  // namespace klogd
