#pragma once
/// The catalog's regular expressions: RE2 (Debian's libre2), the engine syzkaller's title rules
/// are written for (Go's regexp has RE2's syntax and semantics). It runs in time linear in the
/// text, without recursion, so a pattern may see a whole line however long; matching is byte by
/// byte (Latin-1), as the kernel's text is bytes. Each distinct pattern is compiled once, however
/// many formats use it (the common skip list, "Call Trace:", the RIP line, ...).

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace re2 {
class RE2;
}

namespace klogd {

struct RegexMatch {
  size_t position = 0;  ///< where the match starts in the text
  /// Groups 1..n; a group that took no part in the match has a null data().
  std::vector<std::string_view> groups;
};

class Regex {
 public:
  Regex() = default;
  /// Compiles `pattern` (RE2 syntax), or takes the copy compiled before. A pattern RE2 refuses
  /// is a programming error: it throws std::invalid_argument naming it.
  explicit Regex(std::string_view pattern, bool icase = false);

  bool empty() const { return !re_; }
  /// Whether it matches anywhere in `s`.
  bool found(std::string_view s) const;
  /// The first (leftmost) match in `s`, with its groups.
  bool find(std::string_view s, RegexMatch* m) const;
  /// Replaces every match, as Go's ReplaceAllString does ("\\1" in `rewrite` is group 1);
  /// returns how many.
  int replace_all(std::string* s, std::string_view rewrite) const;
  const std::string& pattern() const;

 private:
  std::shared_ptr<const re2::RE2> re_;
};

}  // namespace klogd
