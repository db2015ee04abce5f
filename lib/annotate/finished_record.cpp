#include "annotate/finished_record.h"

#include <cstdio>

#include "util/text.h"

namespace klogd {

void append_klogd_line(const FinishedRecord& r, std::string_view text, std::string* out) {
  char head[64];
  int n = std::snprintf(head, sizeof head, "<%d>[%5llu.%06llu] ", r.record.prio(),
                        static_cast<unsigned long long>(r.record.ts_usec / 1000000),
                        static_cast<unsigned long long>(r.record.ts_usec % 1000000));
  out->append(head, static_cast<size_t>(n));
  append_escaped_control(text, out);
  out->push_back('\n');
}

}  // namespace klogd
