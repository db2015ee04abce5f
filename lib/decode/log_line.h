#pragma once
/// The input forms of a saved kernel log (klogd --decode), detected line by line: raw /dev/kmsg
/// records ("prio,seq,ts,flags;text" and their " KEY=value" lines), dmesg ("[    2.395438] text",
/// also with a "[    T1]" caller field and dmesg -T's "[Fri Nov 27 17:14:58 2026] text"), syslog
/// and journalctl -k ("Nov 25 02:00:00 host kernel: text", with or without the kernel's
/// timestamp after it; -o short-monotonic's "[   12.135384] host kernel: text"), serial console captures (stray '\r' removed, a "<4>" level, and the
/// debris syzkaller's captures hold: "** 5 printk messages dropped ** " and a "login: " prompt
/// before the timestamp), and bare text. The prefix is kept as it was; only the message text is
/// annotated. This is the one reader of saved logs: the incident engine takes the message, its
/// context and its timestamp from here. Pure functions.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "util/text.h"

namespace klogd {

struct LogLine {
  enum class Form { kKmsgRecord, kKmsgDictionary, kDmesg, kSyslog, kBare };
  Form form = Form::kBare;
  std::string_view prefix;  ///< kept unchanged
  std::string_view text;    ///< the message, annotated
  /// Who printed it: the caller id ("T123", "C1") when the log has them, "console" for a
  /// timestamped or syslog line without one, "" for bare text (then any line may be anyone's).
  std::string_view context;
  std::optional<uint64_t> ts_usec;  ///< the kernel's timestamp, when the line has one
  bool kernel = true;               ///< false: a raw record of another facility (userspace)
  /// The level the line was printed at, when it says ("<4>" before a dmesg line, a raw record's
  /// priority); syslog and journalctl lines, and plain dmesg, do not.
  std::optional<int> level;
};

/// Splits one line (without '\n'; a trailing '\r' already removed). `after_kmsg_record` says the
/// previous line was a raw record, so " KEY=value" is its dictionary.
LogLine split_log_line(std::string_view line, bool after_kmsg_record);

/// Calls fn(line_no, line, split) for each line of the log, 1-based; a " KEY=value" line is a
/// dictionary line only right after a raw record (or another dictionary line).
template <typename Fn>
void for_each_log_line(std::string_view log, Fn fn) {
  bool after_kmsg = false;
  for_each_line(log, [&](std::string_view line, size_t line_no) {
    LogLine l = split_log_line(line, after_kmsg);
    after_kmsg = l.form == LogLine::Form::kKmsgRecord || l.form == LogLine::Form::kKmsgDictionary;
    fn(line_no, line, l);
  });
}

}  // namespace klogd
