#pragma once
/// klogd incidents' rows: one per incident, from the journal's incident records
/// (MESSAGE_ID=962f7587..., incidents/incident_record.h) or from the incidents of a saved log or
/// a file sink's output; folded by fingerprint (--group); printed as columns, or one JSON object
/// a line.

#include <cstdint>
#include <string>
#include <vector>

#include "incidents/incident.h"
#include "life/journal_reader.h"

namespace klogd {

struct IncidentRow {
  uint64_t realtime_usec = 0;  ///< 0: not known (a saved log: `line` instead)
  uint64_t line = 0;           ///< a saved log: the report's first line
  std::string boot;            ///< the journal's boot ID; "" for a saved log
  std::string origin;          ///< "previous" (pstore kept it), "replay", "" this boot
  std::string type, title, fingerprint, module, taint, guilty_file, source, subsystem;
  uint64_t repeats = 0;
  uint64_t first_seq = 0, last_seq = 0;
  std::string cursor;        ///< the journal entry's
  std::string journal_boot;  ///< the boot the journal entry was written in
  bool panicked = false;
  /// What `show` prints of where it happened: the source line, else the guilty file.
  std::string where() const { return source.empty() ? guilty_file : source; }
};

IncidentRow row_of(const JournalEntry& e);
IncidentRow row_of(const Incident& i);

struct IncidentGroup {
  std::string fingerprint, type, title, where;
  uint64_t incidents = 0;  ///< incident records
  uint64_t repeats = 0;    ///< and the repeats they counted without a record of their own
  uint64_t first_usec = 0, last_usec = 0;
  uint64_t first_line = 0;         ///< saved log
  std::vector<std::string> boots;  ///< in order of first appearance
};

/// By fingerprint, in order of first appearance.
std::vector<IncidentGroup> group_rows(const std::vector<IncidentRow>& rows);

/// "2026-12-07 06:41:38" (local time); "line N" for a saved log's row.
std::string row_time(uint64_t realtime_usec, uint64_t line);

/// The rows as columns (TIME BOOT TYPE TITLE FINGERPRINT REPEATS WHERE MODULE TAINT), a title
/// cut to fit `width` (0: never cut), or one JSON object a line.
std::string format_rows(const std::vector<IncidentRow>& rows, bool json, size_t width);
std::string format_groups(const std::vector<IncidentGroup>& groups, bool json, size_t width);

/// --since/--until as journalctl reads them: "YYYY-MM-DD [HH:MM[:SS]]", "HH:MM[:SS]" (today),
/// "now", "today", "yesterday", "tomorrow", "-5min"/"+2h"/"-3d" (s, min, h, d, w) from now,
/// "@SECONDS" since the epoch; local time. False with *err on anything else.
bool parse_time_spec(const std::string& spec, uint64_t now_usec, uint64_t* usec, std::string* err);

}  // namespace klogd
