#include "forward/queue_format.h"

#include <zlib.h>

#include <cstdio>
#include <cstring>

namespace klogd::queue_format {

namespace {

uint32_t entry_crc(uint32_t length, uint64_t q, std::string_view bytes) {
  unsigned char head[12];
  std::memcpy(head, &length, 4);
  std::memcpy(head + 4, &q, 8);
  uLong c = crc32(0L, head, sizeof head);
  return static_cast<uint32_t>(
      crc32(c, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(bytes.size())));
}

}  // namespace

void append_entry(uint64_t q, std::string_view frame, std::string* out) {
  uint32_t magic = kEntryMagic;
  uint32_t len = static_cast<uint32_t>(frame.size());
  uint32_t crc = entry_crc(len, q, frame);
  char h[kEntryHeader];
  std::memcpy(h, &magic, 4);
  std::memcpy(h + 4, &len, 4);
  std::memcpy(h + 8, &crc, 4);
  std::memcpy(h + 12, &q, 8);
  out->append(h, kEntryHeader);
  out->append(frame);
}

bool entry_at(std::string_view seg, size_t offset, uint64_t min_q, Entry* e) {
  if (offset > seg.size() || seg.size() - offset < kEntryHeader) return false;
  const char* p = seg.data() + offset;
  uint32_t magic, len, crc;
  uint64_t q;
  std::memcpy(&magic, p, 4);
  std::memcpy(&len, p + 4, 4);
  std::memcpy(&crc, p + 8, 4);
  std::memcpy(&q, p + 12, 8);
  if (magic != kEntryMagic || len > kMaxFrame || q < min_q) return false;
  if (seg.size() - offset - kEntryHeader < len) return false;
  std::string_view frame(p + kEntryHeader, len);
  if (crc != entry_crc(len, q, frame)) return false;
  *e = {q, frame, offset, offset + kEntryHeader + len};
  return true;
}

bool next_entry(std::string_view seg, size_t offset, uint64_t min_q, Entry* e) {
  const uint32_t magic = kEntryMagic;
  const std::string_view needle(reinterpret_cast<const char*>(&magic), 4);
  for (size_t at = seg.find(needle, offset); at != std::string_view::npos;
       at = seg.find(needle, at + 1))
    if (entry_at(seg, at, min_q, e)) return true;
  return false;
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
