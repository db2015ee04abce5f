#pragma once
/// klogd --decode --incidents: one JSON object per incident, on one line, members in this order:
/// type, title, function, module, taint (each flag: {"flag","meaning"}), release, cpu, pid
/// (null when unknown), comm, frames, panicked, corrupted, first_line, last_line, fingerprint.

#include <string>

#include "incidents/incident.h"
#include "incidents/maintainers.h"

namespace klogd {

/// Then guilty_file ("" when none) and, with `tell` (a MAINTAINERS file was given),
/// "maintainers": {"subsystems": [...], "to": [...], "cc": [...]}.
void append_incident_json(const Incident& incident, std::string* out,
                          const Recipients* tell = nullptr);

}  // namespace klogd
