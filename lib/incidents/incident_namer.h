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
/// report whose frames differ is titled afresh.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "incidents/crash_report.h"
#include "incidents/incident.h"
#include "incidents/report_title.h"

namespace klogd {

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

  Incident name(const CrashReport& report);
  /// Reports named from memory, without titling.
  uint64_t recognised() const { return recognised_; }

 private:
  /// `guilty`: the guilty file of the known report this one repeats, else null (found afresh).
  Incident describe(const CrashReport& r, const ReportTitle& t,
                    const std::string* guilty = nullptr);

  struct Known {
    RepeatKey key;
    ReportTitle title;
    std::string fingerprint;
    std::string guilty_file;
  };
  size_t capacity_;
  std::vector<Known> known_;  ///< most recently used first
  uint64_t recognised_ = 0;
};

}  // namespace klogd
