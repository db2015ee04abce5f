#pragma once
/// An incident as a record on the sinks' path, after the report's own records: journald gets
/// MESSAGE = the title, MESSAGE_ID = kIncidentMessageId and KERNEL_INCIDENT_* fields; syslog in
/// RFC 5424 form and --forward an SD element "incident@ENTERPRISE"; the file sink and RFC 3164
/// the line "klogd: incident: TITLE [fingerprint]".

#include <cstdint>
#include <optional>
#include <string>

#include "annotate/finished_record.h"
#include "incidents/incident.h"
#include "incidents/maintainers.h"

namespace klogd {

/// journald's MESSAGE_ID of klogd's incident records (journalctl MESSAGE_ID=...).
inline constexpr const char* kIncidentMessageId = "962f7587ffba4a1b8ebb64e1e54eae2c";

/// The record for `incident`, dated like the last record of its report (`ts_usec`); it carries
/// no kernel sequence number of its own, only `after_seq`, the kernel record it follows; `repeats`:
/// how many times the same fingerprint was seen, and not emitted, since the previous record for it.
/// Its guilty file (KERNEL_INCIDENT_GUILTY_FILE) when known; with `tell`, the file's most
/// specific MAINTAINERS section (KERNEL_INCIDENT_SUBSYSTEM) and whom to tell
/// (KERNEL_INCIDENT_MAINTAINERS, KERNEL_INCIDENT_CC: ", "-separated).
FinishedRecord incident_record(const Incident& incident, uint64_t ts_usec,
                               std::optional<uint64_t> after_seq, uint64_t repeats,
                               const Maintainers* tell = nullptr);

/// Adds the guilty frame's source line (incident_source.h) to an incident record made without
/// it: the "source" field (KERNEL_INCIDENT_SOURCE, source="..." in the SD element) and
/// " (FILE:LINE)" after the line's fingerprint. Nothing when `source` is "".
/// A record without a guilty file takes the source line's file as its guilty file (told with
/// `tell` as above).
void add_incident_source(FinishedRecord* record, const std::string& source,
                         const Maintainers* tell = nullptr);

/// The syslog level of an incident record: 0 for a panic, 2 (crit) for what kills a task or
/// the kernel (oops, BUG, sanitizers, lockups, stalls, hangs), 3 for an OOM kill, 4 otherwise.
int incident_level(const Incident& incident);

}  // namespace klogd
