#pragma once
/// A report's title, as syzbot writes it, from the report's lines (the line that started it
/// first, console prefixes removed, lines of other tasks and " ? " frames left out).
///
/// The format whose title pattern matches earliest wins (ties: the first in the catalog that
/// completes); its captures and the guilty frame fill its format string; then the title is
/// normalised as syzbot does (addresses -> ADDR, numbers -> NUM, file:line -> file:LINE,
/// func+0x1/0x2 -> func, executor names, at most 120 printable characters). A report whose
/// frame cannot be found is titled "... in corrupted"; a report is also corrupted when it should
/// hold a stack trace and does not, or when a title is the kind only a damaged report gives.

#include <string>
#include <string_view>
#include <vector>

#include "incidents/report_catalog.h"

namespace klogd {

struct JoinedLines;

struct ReportTitle {
  std::string title;
  IncidentType type =
      IncidentType::kOther;  ///< the format's (or, titled from the header, the kind's)
  std::string function;      ///< the guilty function, demangled ("" when the title names none)
  bool corrupted = false;
  std::string corrupted_reason;         ///< why, when corrupted
  const TitleFormat* format = nullptr;  ///< the format that gave the title (null: none matched)
};

/// `title_lines`: how many of the lines the title may draw on (the rest follow a second report).
ReportTitle title_report(const ReportKind& kind, const std::vector<std::string>& lines,
                         size_t title_lines);
/// The same, with the report's lines already joined (the namer joins them once for both).
ReportTitle title_report(const ReportKind& kind, const std::vector<std::string>& lines,
                         size_t title_lines, const JoinedLines& joined);

/// syzbot's normalisation of a raw title (see above).
std::string normalize_title(std::string title);

/// Whether a line is a stack frame ("  func+0x1a/0x80 [mod]", "[<...>] func+0x..", arm's
/// "(f) from (g+0x..)"), and its function name (before any ".cold", "+0x").
bool is_frame_line(std::string_view line, std::string* name);

}  // namespace klogd
