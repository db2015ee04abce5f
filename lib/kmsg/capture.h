#pragma once
/// A saved capture of /dev/kmsg (`cat /dev/kmsg > FILE`: a record per line, "prio,seq,ts,flags;
/// text", its " KEY=value" dictionary on the lines after it) turned back into records as one
/// read() of /dev/kmsg gives them, so that a replay (--kmsg FILE) runs the live path. A line that
/// is neither is handed on alone, as the malformed record it is.

#include <string>
#include <string_view>

#include "kmsg/line_assembler.h"

namespace klogd {

class CaptureReader {
 public:
  /// Calls on_record(raw) for each record the chunk completes; raw ends with '\n' as the
  /// kernel's do.
  template <typename Fn>
  void feed(std::string_view chunk, Fn on_record) {
    lines_.feed(chunk, [&](std::string_view line) { take(line, on_record); });
  }
  /// The source went quiet: the record held back for dictionary lines that may follow goes now,
  /// unless a half-read line may still be one of them. (A live pipe's last record would otherwise
  /// wait for the next.)
  template <typename Fn>
  void idle(Fn on_record) {
    std::string_view partial = lines_.partial();
    if (!record_.empty() && (partial.empty() || partial[0] != ' ')) {
      on_record(std::string_view(record_));
      record_.clear();
    }
  }
  template <typename Fn>
  void finish(Fn on_record) {
    lines_.finish([&](std::string_view line) { take(line, on_record); });
    if (!record_.empty()) on_record(std::string_view(record_));
    record_.clear();
  }

 private:
  template <typename Fn>
  void take(std::string_view line, Fn& on_record) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) return;
    if (line[0] == ' ' && !record_.empty()) {  // the current record's dictionary
      record_.append(line);
      record_.push_back('\n');
      return;
    }
    if (!record_.empty()) on_record(std::string_view(record_));
    record_.assign(line);
    record_.push_back('\n');
  }
  LineAssembler lines_;
  std::string record_;
};

}  // namespace klogd
