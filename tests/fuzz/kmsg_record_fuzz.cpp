// Fuzzes the /dev/kmsg record parser and the salvage path behind it, and the text sources' line
// (/proc/kmsg, syslog(2)) with the "<PRIO>" and "[seconds]" prefixes every text form shares.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "annotate/record_processor.h"
#include "kmsg/printk_prefix.h"
#include "kmsg/text_line.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view raw(reinterpret_cast<const char*>(data), size);
  klogd::KmsgRecord r;
  klogd::parse_kmsg_record(raw, &r);
  klogd::decode_kmsg_escapes(raw);
  klogd::Symbolizer sym;
  klogd::Annotator a(&sym, {});
  klogd::RecordProcessor p(&a);
  std::vector<klogd::FinishedRecord> out;
  p.process(raw, &out);
  std::string line;
  for (const auto& f : out) klogd::append_klogd_line(f, f.text, &line);
  klogd::parse_text_line(raw, 1, &r);
  if (r.level < 0 || r.level > 7 || r.facility < 0 || r.facility > 23) __builtin_trap();
  size_t n = 0;
  if (klogd::parse_printk_time(raw, &n) && (n < 4 || n > raw.size())) __builtin_trap();
  if (klogd::parse_printk_prio(raw, &n) && (n < 3 || n > 5)) __builtin_trap();
  return 0;
}
