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

/// The guilty file (guilty_file.h) of the report's frames as the debug info locates them (the
/// faulting PC's line, then each frame's, inlined callers first), "" when none is located.
std::string located_guilty_file(const Incident& incident, const SourceLines& source);

/// Sets the incident's source line (guilty_source) and, when the report printed no `file:line`
/// of its own, its guilty file from the located frames.
void locate(Incident* incident, const SourceLines& source);

}  // namespace klogd
