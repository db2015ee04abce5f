#pragma once
/// What klogd --decode writes: the saved log with its addresses annotated by the shared annotator,
/// each line's prefix kept; or, with --json, one object per input line with what was found.

#include <string>
#include <string_view>

#include "annotate/annotator.h"

namespace klogd {

struct DecodeOutput {
  bool twice = false;  ///< -2: translated line, then the original
  bool json = false;   ///< one JSON object per input line
};

/// Annotates the whole log and appends the result to *out.
void decode_log(std::string_view log, const Annotator& annotator, const DecodeOutput& how,
                std::string* out);

}  // namespace klogd
