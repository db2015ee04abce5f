#include "forward/queue_format.h"

#include <zlib.h>

#include <cstdio>
#include <cstring>

namespace klogd::queue_format {

uint32_t entry_crc(uint64_t q, std::string_view bytes) {
  unsigned char qb[8];
  std::memcpy(qb, &q, 8);
  uLong c = crc32(0L, qb, 8);
  return static_cast<uint32_t>(
      crc32(c, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(bytes.size())));
}

void append_entry(uint64_t q, std::string_view frame, std::string* out) {
  uint32_t len = static_cast<uint32_t>(frame.size());
  uint32_t crc = entry_crc(q, frame);
  char h[kEntryHeader];
  std::memcpy(h, &len, 4);
  std::memcpy(h + 4, &crc, 4);
  std::memcpy(h + 8, &q, 8);
  out->append(h, kEntryHeader);
  out->append(frame);
}

EntryHeader read_entry_header(const char* p) {
  EntryHeader h;
  std::memcpy(&h.length, p, 4);
  std::memcpy(&h.crc, p + 4, 4);
  std::memcpy(&h.q, p + 8, 8);
  return h;
}

std::string encode_cursor(uint64_t next_q, uint64_t unstated_drops) {
  char c[kCursorSize];
  std::memcpy(c, &next_q, 8);
  std::memcpy(c + 8, &unstated_drops, 8);
  uint32_t crc = static_cast<uint32_t>(crc32(0L, reinterpret_cast<Bytef*>(c), 16));
  std::memcpy(c + 16, &crc, 4);
  return std::string(c, kCursorSize);
}

bool decode_cursor(std::string_view bytes, uint64_t* next_q, uint64_t* unstated_drops) {
  if (bytes.size() != kCursorSize) return false;
  uint32_t crc = 0;
  std::memcpy(&crc, bytes.data() + 16, 4);
  if (crc != static_cast<uint32_t>(crc32(0L, reinterpret_cast<const Bytef*>(bytes.data()), 16)))
    return false;
  std::memcpy(next_q, bytes.data(), 8);
  std::memcpy(unstated_drops, bytes.data() + 8, 8);
  return true;
}

std::string segment_name(uint64_t first_q) {
  char b[32];
  std::snprintf(b, sizeof b, "%020llu%s", static_cast<unsigned long long>(first_q), kSegmentSuffix);
  return b;
}

}  // namespace klogd::queue_format
