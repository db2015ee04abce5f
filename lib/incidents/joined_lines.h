#pragma once
/// A report's lines joined by '\n', to find the lines that hold a literal in one search of the
/// whole text rather than one search a line: titling and naming look for dozens of literals in
/// reports of up to hundreds of lines. Made once a report and shared by both.

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "util/text.h"

namespace klogd {

struct JoinedLines {
  std::string text;
  std::vector<size_t> starts;  ///< where each line starts in text

  explicit JoinedLines(const std::vector<std::string>& lines) {
    size_t total = 0;
    for (const std::string& l : lines) total += l.size() + 1;
    text.reserve(total);
    starts.reserve(lines.size());
    for (const std::string& l : lines) {
      starts.push_back(text.size());
      text += l;
      text += '\n';
    }
  }
  /// The first line from `from` on (before n) that holds `literal`, or n.
  size_t next_with(std::string_view literal, size_t from, size_t n) const {
    if (from >= n) return n;
    const size_t at = find_literal(text, literal, starts[from]);
    if (at == std::string::npos) return n;
    const size_t line =
        static_cast<size_t>(std::upper_bound(starts.begin(), starts.end(), at) - starts.begin()) -
        1;
    return std::min(line, n);
  }

  /// The lines that hold one literal, asked for in increasing order: a line found is kept
  /// while it is at or after what is asked, so that walking a report costs one search of the
  /// text in all (taking turns with other literals, each its own).
  class Next {
   public:
    Next(const JoinedLines& joined, std::string_view literal, size_t n)
        : joined_(joined), literal_(literal), n_(n) {}
    /// The first line from `from` on (before n) that holds the literal, or n.
    size_t operator()(size_t from) {
      if (!found_ || line_ < from) {
        line_ = joined_.next_with(literal_, from, n_);
        found_ = true;
      }
      return line_;
    }

   private:
    const JoinedLines& joined_;
    std::string_view literal_;
    size_t n_;
    size_t line_ = 0;
    bool found_ = false;
  };
};

}  // namespace klogd
