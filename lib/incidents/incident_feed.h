#pragma once
/// The one way into the incident engine, for the three paths that find crash reports: the live
/// tracker (incident_tracker.h: each kernel record as annotated), --decode --incidents (each line
/// of a saved log) and the previous boot's harvest (each line pstore or kdump kept). Whatever
/// the path, a line is read by the same rules, so a report is titled and fingerprinted the same
/// live, from a saved log and from the previous boot:
///  - only the kernel's lines count (userspace may write /dev/kmsg);
///  - a line printed below KERN_WARNING does not open a report: the kernel prints every report's
///    first line ("[ cut here ]", "WARNING:", "BUG:", "Oops", "Kernel panic", ...) with pr_warn
///    or above. A line whose level is not known (dmesg without -r, a console, syslog) may;
///  - text annotated with --style keep is read in klogd's style, which the title rules expect;
///  - a record holding newlines is one line each.
/// One IncidentFeed is used from one thread.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "annotate/annotator.h"
#include "incidents/header_filter.h"
#include "incidents/incident_detector.h"

namespace klogd {

/// The least severe level a report's first line is printed at: KERN_WARNING (4).
inline constexpr int kMaxReportStartLevel = 4;

/// One line as a path has it: the detector's ReportLine, and the level it was printed at.
struct FeedLine {
  std::string_view text;     ///< the message, annotated (newlines: one line each)
  std::string_view context;  ///< caller id ("T123", "C1"), "console", or "" (see ReportLine)
  uint64_t number = 0;       ///< saved logs: the 1-based line; live: the sequence number
  std::optional<uint64_t> ts_usec;
  bool kernel = true;        ///< false: userspace wrote it
  std::optional<int> level;  ///< the level it was printed at; nullopt: not known
};

class IncidentFeed {
 public:
  /// `keep_style`: the lines are annotated with --style keep (annotated_in_keep_style()).
  IncidentFeed(IncidentDetector::Sink sink, DetectorOptions options, bool keep_style);

  /// Reads one line; false when the rules above left it out (cheap: most lines). `now` (live:
  /// the detector's idle clock) is read only for a line that is read.
  bool feed(const FeedLine& line,
            std::optional<std::chrono::steady_clock::time_point> now = std::nullopt);
  /// Live: ends the reports that had no line for the detector's idle time.
  void idle(std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now()) {
    detector_.idle(now);
  }
  /// The end of input: every open report ends.
  void flush() { detector_.flush(); }
  /// A report the sink is done with, its storage used again (IncidentDetector::recycle).
  void recycle(CrashReport&& done) { detector_.recycle(std::move(done)); }
  bool open() const { return detector_.open(); }
  /// Whether a kernel line printed at `level` is surely left out (no report open, and below
  /// KERN_WARNING or holding no header and no marker): what feed() would say without building
  /// the line. Inline: the live path asks it of every record.
  bool passes_over(std::optional<int> level, std::string_view text) const {
    return !detector_.busy() && ((level && *level > kMaxReportStartLevel) || !headers_.maybe(text));
  }

 private:
  const HeaderFilter& headers_ = report_header_filter();
  IncidentDetector detector_;
  bool keep_style_;
  std::string scratch_;
};

/// Whether text annotated with these options is in --style keep's form ("0x... (name)"), which
/// the title rules read through klogd_style_text (with addresses hidden there are none).
inline bool annotated_in_keep_style(const AnnotatorOptions& o) {
  return o.style == AnnotationStyle::kKeep && !o.hide_addresses;
}

/// "0xffffffff81000105 (do_work+0x5/0x80)" -> "do_work+0x5/0x80", as --style klogd prints a
/// 0x address; "[<...>] (f+0x1/0x2)" likewise. Appends to *out.
void klogd_style_text(std::string_view keep_style, std::string* out);

}  // namespace klogd
