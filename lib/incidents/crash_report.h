#pragma once
/// A crash report as the detector (incident_detector.h) found it: the lines it took and what it
/// saw of them, before anything is titled. The namer (incident_namer.h) makes it an Incident.

#include <cstdint>
#include <string>
#include <vector>

namespace klogd {

struct ReportKind;

struct CrashReport {
  const ReportKind* kind = nullptr;  ///< the kind its first header line started
  std::vector<std::string> lines;    ///< console prefixes removed, " ? " frames left out
  size_t title_lines = 0;  ///< how many of the lines the title may draw on (the rest: another's)
  uint64_t first = 0;      ///< --decode: 1-based input lines; live: kernel sequence numbers
  uint64_t last = 0;
  bool panicked = false;  ///< a "Kernel panic - not syncing" was in it or right after it
  bool cut = false;       ///< ended by DetectorOptions::max_lines
};

}  // namespace klogd
