#include "annotate/notices.h"

namespace klogd {

FinishedRecord make_notice(std::string text, uint64_t ts_usec, uint64_t seq) {
  FinishedRecord r;
  r.record.facility = 0;
  r.record.level = 4;
  r.record.ts_usec = ts_usec;
  r.record.seq = seq;
  r.text = std::move(text);
  r.synthetic = true;
  return r;
}

std::string missed_notice(uint64_t count) {
  return "klogd: missed " + std::to_string(count) + " kernel messages";
}

std::string dropped_notice(uint64_t count, std::string_view where) {
  return "klogd: dropped " + std::to_string(count) + " records for " + std::string(where) +
         " while it was unavailable (queue full)";
}

}  // namespace klogd
