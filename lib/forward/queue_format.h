#pragma once
/// The files of a --forward target's queue, in one place for the writer and the reader
/// (ForwardQueue) and the fuzzer that feeds them damaged copies. Numbers are stored in the host's
/// byte order: the files never leave the host that wrote them.
///
///   NNNNNNNNNNNNNNNNNNNN.seg  a segment: the first queue number q it holds (20 digits), then
///                             entries [u32 magic][u32 length][u32 crc][u64 q][bytes], the crc
///                             (crc32) over length, q and bytes, q growing from entry to entry.
///                             The magic lets a reader that meets a damaged entry find the next
///                             good one; the q numbers it skipped are the records lost.
///   cursor                    [u64 next q to deliver][u64 drops not yet stated][u32 crc32 of
///                             the 16 bytes before]

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace klogd::queue_format {

inline constexpr uint32_t kEntryMagic = 0x3145514b;  // "KQE1"
inline constexpr size_t kEntryHeader = 20;
inline constexpr uint32_t kMaxFrame = 64u << 20;  ///< a longer length is damage, not a frame
inline constexpr size_t kCursorSize = 20;
inline constexpr const char* kCursorName = "cursor";
inline constexpr const char* kSegmentSuffix = ".seg";

/// Appends one entry (header and bytes) for frame number q.
void append_entry(uint64_t q, std::string_view frame, std::string* out);

/// An entry found in a segment's bytes.
struct Entry {
  uint64_t q = 0;
  std::string_view frame;
  size_t offset = 0;  ///< where its header starts
  size_t end = 0;     ///< one past its bytes
};
/// Whether a whole, undamaged entry with a q of at least `min_q` starts at `offset`.
bool entry_at(std::string_view segment, size_t offset, uint64_t min_q, Entry* e);
/// The first whole, undamaged entry with a q of at least `min_q` at or after `offset` (found by
/// its magic), or false.
bool next_entry(std::string_view segment, size_t offset, uint64_t min_q, Entry* e);

std::string encode_cursor(uint64_t next_q, uint64_t unstated_drops);
/// False when `bytes` is not a whole cursor with a good checksum.
bool decode_cursor(std::string_view bytes, uint64_t* next_q, uint64_t* unstated_drops);

/// "00000000000000000042.seg"
std::string segment_name(uint64_t first_q);

}  // namespace klogd::queue_format
