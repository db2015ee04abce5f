#pragma once
/// The text every match of a catalog pattern holds, found before any regular expression runs:
/// nearly every line of a report fails nearly every pattern, and a substring search rejects it
/// far faster than a regular expression can.

#include <string>
#include <string_view>

namespace klogd {

/// The pattern's longest run of plain characters outside any group or class ("BUG: KASAN: " of
/// "BUG: KASAN: ([-a-z]+)", " backtrace" of "[^k] backtrace(...)?:"); "" with an alternation at
/// the top level (nothing is sure then). A character a quantifier makes optional is not part
/// of a run; {{PLACEHOLDERS}} and {m,n} counts end one. A line without the literal cannot
/// match.
std::string required_literal(std::string_view pattern);

}  // namespace klogd
