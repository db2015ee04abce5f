#pragma once
/// Source lines for a saved log's frames (--decode, klogd incidents show): the debug files of the
/// log's kernel (symbols/debuginfo_search.h's one policy), then debuginfod for the modules whose
/// build ID the trace printed; used only when nothing in the log is evidence against them
/// (SourceLines::check).

#include <string_view>

#include "annotate/source_lines.h"
#include "life/config.h"

namespace klogd {

/// False (said) only when a file --debuginfo named cannot be used; none found is no error.
bool find_source_lines(const Config& c, std::string_view log, SourceLines* source);

}  // namespace klogd
