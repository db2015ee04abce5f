#pragma once
/// Makes a crash report (crash_report.h) an Incident: its title as syzbot writes it
/// (report_title.h), its type and guilty function as the catalog states them, the task, CPU,
/// taint and release of its "CPU:" line, its trace (names demangled) and its fingerprint. The
/// live path and --decode use the same namer.
///
/// A storm (the same WARN in a hot path, thousands of times) costs nearly nothing: the namer
/// remembers the last reports it titled by a key made of their lines with every number and
/// address masked; a report with a known key takes the known title, and is confirmed by its
/// fingerprint (its own frames, the known title's type and function) before it is taken: a
/// report whose frames differ is titled afresh. A caller that will only count a repeat (the
/// live tracker, within its window) says so through `wanted`, and the repeat is not described
/// further: its title, type, function, frames and fingerprint only.

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "incidents/crash_report.h"
#include "incidents/incident.h"
#include "incidents/report_title.h"

namespace klogd {

struct JoinedLines;

/// 128 bits of a report's text with its numbers and addresses masked (incident_namer.cpp).
using RepeatKey = std::pair<uint64_t, uint64_t>;

/// Threads: an IncidentNamer keeps its memory of recent reports unlocked: one per thread (the
/// tracker's on the loop, one per --decode run).
class IncidentNamer {
 public:
  /// `remembered`: how many titled reports are kept for recognising repeats (0: none).
  explicit IncidentNamer(size_t remembered = 64);
  ~IncidentNamer();
  IncidentNamer(const IncidentNamer&) = delete;
  IncidentNamer& operator=(const IncidentNamer&) = delete;

  /// Whether an incident of this fingerprint is wanted whole; false: it will only be counted.
  using Wanted = std::function<bool(const std::string& fingerprint)>;

  /// The report named. `wanted` (if given) is asked about a recognised repeat only; when it
  /// says false, the incident has its title, type, function, frames (as printed) and
  /// fingerprint, and no more (*whole = false). A report titled afresh is always whole.
  Incident name(const CrashReport& report, const Wanted& wanted = {}, bool* whole = nullptr);
  /// Reports named from memory, without titling.
  uint64_t recognised() const { return recognised_; }

 private:
  /// What identifies it: title, type, function, the trace as printed, fingerprint_input.
  Incident identify(const CrashReport& r, const ReportTitle& t, std::string* fingerprint_input);
  /// The rest: the task line, the PC line, the module, the guilty file, names demangled.
  /// `guilty`: the guilty file of the known report this one repeats, else null (found afresh).
  /// `joined`: the report's lines joined (joined_lines.h), made for its title; null: made here.
  void complete(const CrashReport& r, Incident* in, const std::string* guilty,
                const JoinedLines* joined = nullptr);

  struct Known {
    RepeatKey key;
    ReportTitle title;
    std::string fingerprint;
    std::string fingerprint_input;  ///< what it hashes: an equal input is the same fingerprint
    std::string guilty_file;
  };
  size_t capacity_;
  std::vector<Known> known_;  ///< most recently used first
  uint64_t recognised_ = 0;
};

}  // namespace klogd
