// Fuzzes the pstore record reader: arbitrary bytes as a plain record, as a ".enc.z" one (raw
// deflate), as systemd-pstore's dmesg.txt, then the joining of dumps and their incidents.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "decode/pstore_incidents.h"
#include "kmsg/pstore_record.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static klogd::Symbolizer none;
  static klogd::Annotator annotator(&none, {});
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  std::vector<klogd::PstoreRecord> records;
  for (const char* name : {"dmesg-ramoops-0", "dmesg-efi-1.enc.z"}) {
    klogd::PstoreRecord r;
    std::string err;
    if (klogd::parse_pstore_record(name, bytes, &r, &err)) records.push_back(std::move(r));
  }
  for (auto& r : klogd::parse_pstore_dmesg_txt(bytes)) records.push_back(std::move(r));
  auto dumps = klogd::join_pstore_dumps(std::move(records));
  auto incidents = klogd::pstore_incidents(dumps, annotator);
  (void)incidents;
  return 0;
}
