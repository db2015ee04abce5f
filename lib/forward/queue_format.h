#pragma once
/// The files of a --forward target's queue, in one place for the writer and the reader
/// (ForwardQueue) and the fuzzer that feeds them damaged copies. Numbers are stored in the host's
/// byte order: the files never leave the host that wrote them.
///
///   NNNNNNNNNNNNNNNNNNNN.seg  a segment: the first queue number q it holds (20 digits), then
///                             entries  [u32 length][u32 crc32 of q and bytes][u64 q][bytes]
///                             with q growing by one from entry to entry
///   cursor                    [u64 next q to deliver][u64 drops not yet stated][u32 crc32 of
///                             the 16 bytes before]

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace klogd::queue_format {

inline constexpr size_t kEntryHeader = 16;
inline constexpr uint32_t kMaxFrame = 64u << 20;  ///< a longer length is damage, not a frame
inline constexpr size_t kCursorSize = 20;
inline constexpr const char* kCursorName = "cursor";
inline constexpr const char* kSegmentSuffix = ".seg";

struct EntryHeader {
  uint32_t length = 0;
  uint32_t crc = 0;
  uint64_t q = 0;
};

uint32_t entry_crc(uint64_t q, std::string_view bytes);
/// Appends one entry (header and bytes) for frame number q.
void append_entry(uint64_t q, std::string_view frame, std::string* out);
/// The header at p (kEntryHeader bytes readable).
EntryHeader read_entry_header(const char* p);

std::string encode_cursor(uint64_t next_q, uint64_t unstated_drops);
/// False when `bytes` is not a whole cursor with a good checksum.
bool decode_cursor(std::string_view bytes, uint64_t* next_q, uint64_t* unstated_drops);

/// "00000000000000000042.seg"
std::string segment_name(uint64_t first_q);

}  // namespace klogd::queue_format
