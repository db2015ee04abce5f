#include "annotate/finished_record.h"

#include <cstdio>

#include "util/text.h"

namespace klogd {

namespace {

// Decimal digits of v, at least `width` of them, padded with `pad`: printf's "%5llu" / "%06llu"
// without printf (this runs once per record).
void append_decimal(std::string* out, uint64_t v, int width, char pad) {
  char buf[24];
  char* end = buf + sizeof buf;
  char* p = end;
  do {
    *--p = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v);
  while (end - p < width) *--p = pad;
  out->append(p, static_cast<size_t>(end - p));
}

}  // namespace

std::string_view to_string(RecordBoot b) {
  switch (b) {
    case RecordBoot::kReplay:
      return "replay";
    case RecordBoot::kPrevious:
      return "previous";
    case RecordBoot::kThis:
      break;
  }
  return "this";
}

std::string_view line_prefix(const FinishedRecord& r) {
  return r.boot == RecordBoot::kPrevious && !r.event ? "klogd: previous boot: " : "";
}

void append_klogd_line(const FinishedRecord& r, std::string_view text, std::string* out) {
  out->push_back('<');
  append_decimal(out, static_cast<uint64_t>(r.record.prio()), 1, '0');
  out->append(">[");
  append_decimal(out, r.record.ts_usec / 1000000, 5, ' ');
  out->push_back('.');
  append_decimal(out, r.record.ts_usec % 1000000, 6, '0');
  out->append("] ");
  out->append(line_prefix(r));
  append_escaped_control(text, out);
  out->push_back('\n');
}

}  // namespace klogd
