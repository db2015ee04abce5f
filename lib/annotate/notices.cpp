#include "annotate/notices.h"

#include <algorithm>

namespace klogd {

FinishedRecord make_notice(std::string text, uint64_t ts_usec, std::optional<uint64_t> after_seq) {
  FinishedRecord r;
  r.record.facility = 0;
  r.record.level = 4;
  r.record.ts_usec = ts_usec;
  r.text = std::move(text);
  r.synthetic = true;
  r.kernel_seq = false;
  r.after_seq = after_seq;
  return r;
}

std::string missed_notice(uint64_t count) {
  return "klogd: missed " + std::to_string(count) + " kernel messages";
}

std::string dropped_notice(uint64_t count, std::string_view where) {
  return "klogd: dropped " + std::to_string(count) + " records for " + std::string(where) +
         " while it was unavailable (queue full)";
}

std::string forward_loss_notice(uint64_t count, uint64_t damaged, std::string_view where) {
  damaged = std::min(damaged, count);
  if (damaged == 0) return dropped_notice(count, where);
  std::string text =
      "klogd: dropped " + std::to_string(count) + " records for " + std::string(where);
  if (damaged == count) return text + " (damaged entries in its queue files, skipped)";
  return text + ": " + std::to_string(count - damaged) +
         " while it was unavailable (queue full), " + std::to_string(damaged) +
         " in damaged entries of its queue files";
}

}  // namespace klogd
