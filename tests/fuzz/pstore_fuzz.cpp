// Fuzzes the pstore record reader: what a file is (dump_form), arbitrary bytes as a record (raw
// deflate when not text), as systemd-pstore's dmesg.txt and as kdump's saved dmesg, then the joining of
// dumps, their keys, their incidents with times, and the previous boot's records made of them.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "pstore/previous_boot.h"
#include "pstore/pstore_incidents.h"
#include "pstore/pstore_record.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static klogd::Annotator annotator(nullptr, {klogd::AnnotationStyle::kNone});
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  (void)klogd::dump_form(bytes);  // what a file is, from its bytes: never a crash
  std::vector<klogd::PstoreRecord> records;
  for (const char* name : {"dmesg-ramoops-0", "dmesg-efi-1.enc.z"}) {
    klogd::PstoreRecord r;
    std::string err;
    if (klogd::parse_pstore_record(name, bytes, &r, &err)) records.push_back(std::move(r));
  }
  for (auto& r : klogd::parse_pstore_dmesg_txt(bytes)) records.push_back(std::move(r));
  {
    klogd::PstoreRecord r;
    std::string err;
    if (klogd::parse_kdump_dmesg("dmesg.202612041334", bytes, &r, &err))
      records.push_back(std::move(r));
  }
  auto dumps = klogd::join_pstore_dumps(std::move(records));
  for (const auto& d : dumps) {
    if (klogd::pstore_dump_key(d).size() != 32) __builtin_trap();
    for (const auto& l : d.lines)
      if (l.level < 0 || l.level > 7) __builtin_trap();
  }
  for (auto& p : klogd::pstore_incidents_timed(dumps, annotator)) {
    auto r = klogd::previous_boot_incident(p.incident, p.last_usec, "");
    if (r.boot != klogd::RecordBoot::kPrevious || !r.event) __builtin_trap();
  }
  return 0;
}
