#pragma once
/// Makes a crash report (crash_report.h) an Incident: its title as syzbot writes it
/// (report_title.h), its type and guilty frame as the catalog states them, the task, CPU,
/// taint and release of its "CPU:" line, its trace and its fingerprint. The live path and
/// --decode use the same namer.

#include "incidents/crash_report.h"
#include "incidents/incident.h"

namespace klogd {

class IncidentNamer {
 public:
  Incident name(const CrashReport& report);
};

}  // namespace klogd
