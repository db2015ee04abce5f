#pragma once
/// One record of the kernel log, as /dev/kmsg delivers it, and its parser.
///
/// The wire form (Documentation/ABI/testing/dev-kmsg) is
///   "prio,seq,ts_usec,flags[,more fields];text\n" then zero or more " KEY=value\n" lines.
/// The kernel escapes every byte < 0x20, >= 0x7f and the backslash as "\xNN"; the parser decodes
/// them in `text` and in dictionary values. Of the header fields after the flags, "caller=T1" is
/// kept; others are ignored. The parser is pure: no I/O, no globals; a malformed record is
/// rejected with a reason, never a crash. Sources and the parser know nothing of symbols.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace klogd {

/// A parsed kernel log record. Plain data: sinks and the annotator read it.
struct KmsgRecord {
  int facility = 0;           ///< prio >> 3 (0 = LOG_KERN; userspace writes arrive as 1 = LOG_USER)
  int level = 0;              ///< prio & 7
  uint64_t seq = 0;           ///< the kernel's 64-bit sequence number
  uint64_t ts_usec = 0;       ///< local_clock() at printk time, microseconds since boot
  bool continuation = false;  ///< flags 'c': a fragment of a continued line
  std::string caller;  ///< "T123" (task) or "C1" (CPU, in interrupt) from caller=; "" if absent
  std::string text;    ///< the message with \xNN escapes decoded (may hold \n, NUL, non-UTF-8)
  /// The " KEY=value" dictionary, values decoded, in the kernel's order.
  std::vector<std::pair<std::string, std::string>> dict;

  int prio() const { return facility * 8 + level; }
  /// The value of a dictionary key, or an empty view.
  std::string_view dict_value(std::string_view key) const;
};

/// Why a record was refused. `kOk` means it parsed.
enum class ParseError {
  kOk,
  kEmpty,
  kTooLong,
  kNulByte,
  kNoSemicolon,
  kMissingField,
  kBadNumber,
  kBadFlags,
  kTruncated,
  kBadDictionary,
};

/// A short, stable English reason for a ParseError, for logs and counters.
std::string_view to_string(ParseError e);

/// The largest record the parser accepts (header, text and dictionary). Kernels before 6.x allow
/// 8 KiB of text; a read() buffer of this size + 1 never truncates a record.
inline constexpr size_t kMaxRecordBytes = 16 * 1024;

/// Parses one record (the bytes of one read() from /dev/kmsg). On success fills *out and returns
/// kOk; on failure returns the reason and leaves *out in an unspecified but valid state.
/// `require_newline`: the kernel ends every record with '\n'; its absence means truncation.
ParseError parse_kmsg_record(std::string_view buf, KmsgRecord* out, bool require_newline = true);

/// Decodes the kernel's "\xNN" escapes. Anything else (a lone backslash, "\x" followed by fewer
/// than two hex digits) is kept literally, so decoding never fails and never loses bytes.
std::string decode_kmsg_escapes(std::string_view in);
void decode_kmsg_escapes(std::string_view in, std::string* out);

}  // namespace klogd
