#pragma once
/// The catalog's regular expressions: RE2 (Debian's libre2), the engine syzkaller's title rules
/// are written for (Go's regexp has RE2's syntax and semantics). It runs in time linear in the
/// text, without recursion, so a pattern may see a whole line however long; matching is byte by
/// byte (Latin-1), as the kernel's text is bytes. Each distinct pattern is compiled once, however
/// many formats use it (the common skip list, "Call Trace:", the RIP line, ...), and only when it
/// first runs: most of the catalog never does in a given process (a line without a pattern's
/// required literal is not searched), so start-up pays for what is used.

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
  /// `pattern` (RE2 syntax), shared with every Regex of the same pattern; compiled on first use.
  /// A pattern RE2 refuses is a programming error: its first use throws std::invalid_argument
  /// naming it (compile() says so at once; the tests compile the whole catalog).
  explicit Regex(std::string_view pattern, bool icase = false);

  /// Compiles now if not yet done; throws as above.
  void compile() const;

  bool empty() const { return !re_; }
  /// Whether it matches anywhere in `s`.
  bool found(std::string_view s) const;
  /// The first (leftmost) match in `s`, with its groups.
  bool find(std::string_view s, RegexMatch* m) const;
  /// Replaces every match, as Go's ReplaceAllString does ("\\1" in `rewrite` is group 1);
  /// returns how many.
  int replace_all(std::string* s, std::string_view rewrite) const;
  const std::string& pattern() const;

  struct Shared;

 private:
  const re2::RE2& re() const;
  std::shared_ptr<Shared> re_;
};

}  // namespace klogd
