#pragma once
/// A record ready for the sinks: the parsed kernel record plus what the annotator made of it.
/// This is all a sink ever sees; sinks know nothing of symbols or parsing.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "kmsg/kmsg_record.h"

namespace klogd {

/// What a record klogd made about other records (an incident) carries for the sinks that keep
/// structure: journald fields, an RFC 5424 SD element, and the line the file sink writes.
struct RecordEvent {
  std::string message_id;    ///< journald MESSAGE_ID (128 bits, 32 hex digits)
  std::string field_prefix;  ///< journald names: prefix + NAME upper-cased ("KERNEL_INCIDENT_")
  std::string sd_name;       ///< the SD element's name before "@enterprise" ("incident")
  std::string line;          ///< the file's, stdout's and RFC 3164 syslog's text
  std::vector<std::pair<std::string, std::string>> fields;  ///< name (lower case), value
};

/// Which boot a record belongs to. Only this boot's records are placed on this boot's clock and
/// named by its boot id; a replayed capture's (--kmsg FILE) are not, nor the previous boot's
/// last words and crashes that pstore kept (pstore/previous_boot.h).
enum class RecordBoot : uint8_t { kThis, kReplay, kPrevious };

/// "this", "replay" or "previous": the value sinks write for a record not of this boot.
std::string_view to_string(RecordBoot b);

struct FinishedRecord {
  KmsgRecord record;  ///< the kernel's fields; its text has moved on into `text` / `original`
  std::string text;   ///< annotated text (decoded; may hold control bytes)
  bool translated = false;
  std::string original;    ///< the decoded text before annotation, when translated
  std::string symbols;     ///< "sym+0x1a/0x80 [mod] ..." found, when translated
  bool synthetic = false;  ///< made by klogd itself (loss reports), not read from the kernel
  /// record.seq is the kernel's sequence number. False for what klogd made itself and for lines
  /// of the text sources (numbered by klogd, for order only): sinks then send no seq, since
  /// boot + seq name a kernel record.
  bool kernel_seq = true;
  /// For a record klogd made: the kernel sequence number of the record it follows, if any (sent
  /// as after= / KLOGD_AFTER_SEQNUM, never as seq).
  std::optional<uint64_t> after_seq;
  RecordBoot boot = RecordBoot::kThis;
  std::shared_ptr<const RecordEvent> event;  ///< set on klogd's structured records (incidents)
};

/// klogd's file line: "<PRIO>[SSSSS.UUUUUU] text\n", PRIO being facility*8+level as /proc/kmsg
/// prints it (the level alone for kernel records), the timestamp as the kernel prints it, and
/// control bytes in the text escaped as \xNN so that one record is one line.
/// `text` overrides the record's annotated text (used by -2 for the original line). A line of the
/// previous boot (RecordBoot::kPrevious, not an event) reads "klogd: previous boot: TEXT".
void append_klogd_line(const FinishedRecord& r, std::string_view text, std::string* out);

/// What a line-oriented sink (file, stdout, RFC 3164) writes before a record's text: "klogd:
/// previous boot: " for a line of the previous boot, "" otherwise.
std::string_view line_prefix(const FinishedRecord& r);

}  // namespace klogd
