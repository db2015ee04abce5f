#pragma once
/// Where an incident happened, in the source: the guilty frame's file:line from the kernel's
/// debug info, for --decode --incidents and for the daemon's incident records
/// (KERNEL_INCIDENT_SOURCE). Never part of the fingerprint.

#include <string>

#include "annotate/source_lines.h"
#include "incidents/incident.h"

namespace klogd {

/// "fs/read_write.c:584": the line, in the function the title blames, of its frame in the trace
/// (a return address), else of the report's faulting PC; "" when the incident names no
/// function or the debug info does not hold it.
std::string guilty_source(const Incident& incident, const SourceLines& source);

}  // namespace klogd
