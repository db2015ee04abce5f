// Fuzzes the /dev/kmsg record parser and the salvage path behind it.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "annotate/record_processor.h"

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
  return 0;
}
