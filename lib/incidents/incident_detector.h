#pragma once
/// Finds crash reports in a stream of kernel log lines and hands each on (crash_report.h) when it
/// ends, for the namer to make an Incident of: live (the daemon feeds each kernel record as
/// annotated) and in --decode (each line of a saved log). Nothing is held back: the detector
/// only reads lines.
///
/// A report starts at a line with a report kind's header (report_catalog.h); a "cut here" line
/// or a sanitizer's "=====" banner just before it is its first line. It takes the lines of the
/// same context after it: the same task or CPU when the kernel prints caller ids ("[  T123]",
/// /dev/kmsg's caller=), else every line; so reports of two tasks interleave without mixing,
/// and an NMI backtrace of the other CPUs (after "Sending NMI from CPU") joins the report that
/// asked for it. " ? " frames (unreliable) are left out.
///
/// It ends at "---[ end trace", at a sanitizer's closing banner (then the panic that may follow
/// is still taken in: register dumps, "Kernel panic - not syncing", "Kernel Offset:"), at the
/// next report's header in its context (not at a panic or double fault inside it), after a gap
/// of DetectorOptions::gap in the kernel's timestamps, after `idle` without a line (live), at the
/// end of input, or after `max_lines` lines: then it is marked cut (corrupted).

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "incidents/crash_report.h"
#include "incidents/line_cache.h"

namespace klogd {

struct ReportKind;

struct ReportLine {
  std::string_view text;     ///< the message, console prefix removed (annotated)
  std::string_view context;  ///< caller id ("T123", "C1"), "console" (a prefix, no caller), ""
  uint64_t number = 0;       ///< --decode: 1-based line; live: the record's sequence number
  std::optional<uint64_t> ts_usec;  ///< the kernel's timestamp, when the line has one
  bool kernel = true;               ///< false: userspace wrote it (never part of a report)
};

struct DetectorOptions {
  size_t max_lines = 2000;               ///< a report longer than this is cut
  uint64_t gap_usec = 5'000'000;         ///< kernel time without a line of the report
  std::chrono::milliseconds idle{2000};  ///< live: wall time without a line of the report
  /// Live: a report is handed on at its end line ("---[ end trace", a sanitizer's closing
  /// banner), not when the next line shows it is over; what follows that belongs to it (the
  /// registers x86 prints again, the panic) is still taken in, and not handed on again.
  bool hand_on_at_end = false;
};

class IncidentDetector {
 public:
  using Sink = std::function<void(CrashReport)>;
  explicit IncidentDetector(Sink sink, DetectorOptions options = {});
  ~IncidentDetector();
  IncidentDetector(const IncidentDetector&) = delete;
  IncidentDetector& operator=(const IncidentDetector&) = delete;

  void feed(const ReportLine& line,
            std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now());
  /// Live: ends the reports that had no line for `idle`.
  void idle(std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now());
  /// The end of input: every open report ends.
  void flush();
  /// Whether a report is open (the daemon then checks idle() on a timer).
  bool open() const;
  /// Whether a report is open or a line that may begin one ("cut here") was seen.
  bool busy() const { return !open_.empty() || !pending_.empty(); }
  /// Takes back a report the sink is done with: its lines' storage holds the next reports'
  /// lines (in a storm of reports a line then costs no allocation). What is kept is bounded:
  /// kSpareLines strings of kSpareBytes at most, and one vector.
  void recycle(CrashReport&& done);
  static constexpr size_t kSpareLines = 128, kSpareBytes = 256;

 private:
  struct Report;
  struct Pending;
  struct Facts;
  /// What a line holds (plain frame, header, markers, ...), from its text alone: kept for the
  /// lines seen last (line_cache.h).
  const Facts& facts(std::string_view text);
  void start(const ReportLine& line, const ReportKind* kind, unsigned marks,
             std::chrono::steady_clock::time_point now);
  /// `marks`: the markers the line holds (incident_detector.cpp's marks_of, found once a line).
  void add(Report& r, const ReportLine& line, unsigned marks, bool questionable,
           std::chrono::steady_clock::time_point now);
  void finish(size_t index);
  /// The report as it stands, handed to the sink (once).
  void hand_on(Report& r);
  /// A "cut here" line or a banner: the first line of a report if a header follows soon.
  void hold_before_header(const ReportLine& line);
  Report* find(std::string_view context, size_t* index);

  Sink sink_;
  DetectorOptions o_;
  std::vector<std::unique_ptr<Report>> open_;
  std::vector<std::unique_ptr<Pending>> pending_;
  LineCache<Facts> facts_;
  std::vector<std::string> spare_lines_;   ///< recycle()d strings, their contents stale
  std::vector<std::string> spare_vector_;  ///< a recycle()d report's lines vector, empty
};

/// A frame line as most of a trace is printed ("  ? name+0x1c/0x40 [module]", nothing more):
/// inside a report the detector only adds it, looking for no header or marker in it.
bool is_plain_frame(std::string_view line);
/// The markers the detector looks for inside a report ("[ cut here ]", "---[ end trace", ...),
/// each with the bit it sets in detector_marks() (several may share one).
std::vector<std::pair<std::string_view, unsigned>> detector_markers();
/// The markers a line holds, as the detector finds them (one pass, not one search each).
unsigned detector_marks(std::string_view line);

}  // namespace klogd
