#pragma once
/// What klogd --decode writes: the saved log with its addresses annotated by the shared annotator,
/// each line's prefix kept; or, with --json, one object per input line with what was found.

#include <string>
#include <string_view>
#include <vector>

#include "annotate/annotator.h"
#include "annotate/source_lines.h"
#include "decode/log_line.h"
#include "incidents/incident.h"
#include "incidents/incident_feed.h"
#include "incidents/maintainers.h"

namespace klogd {

struct DecodeOutput {
  bool twice = false;  ///< -2: translated line, then the original
  bool json = false;   ///< one JSON object per input line
  /// --debuginfo: each frame's source lines (text: after the frame; JSON: "frames"). May be null.
  const SourceLines* source = nullptr;
};

/// Annotates the whole log and appends the result to *out.
void decode_log(std::string_view log, const Annotator& annotator, const DecodeOutput& how,
                std::string* out);

/// A saved log's line as the incident engine reads it: `text` (the line's message, annotated),
/// with the line's context, timestamp, kernel-ness and level, numbered `line_no`.
FeedLine feed_line(const LogLine& l, std::string_view text, uint64_t line_no);

/// The incidents (crash reports) in a saved log, annotated first, in log order.
std::vector<Incident> find_incidents(std::string_view log, const Annotator& annotator);

/// --incidents: appends one JSON object per incident (incidents/incident_json.h). Returns how
/// many.
/// With `source`, each incident's "source" is its guilty frame's line (incident_source.h); with
/// `tell`, its "maintainers" are those of its guilty file.
size_t decode_incidents(std::string_view log, const Annotator& annotator, std::string* out,
                        const SourceLines* source = nullptr, const Maintainers* tell = nullptr);

/// One incident's JSON object (incident_json.h), told with `tell` when given.
void append_told_incident(const Incident& incident, const Maintainers* tell, std::string* out);

}  // namespace klogd
