#pragma once
/// Whom to tell about a source file: the kernel's MAINTAINERS file read as
/// `scripts/get_maintainer.pl --no-git --no-git-fallback --no-keywords --no-tree -f FILE` reads
/// it. A section is a title line and the `X: value` lines after it; it matches a file when one of
/// its F: patterns does and none of its X: patterns does (N: regular expressions match too). A
/// pattern's `*` is any run of characters and `?` one, matched from the path's start; one ending
/// in '/' takes everything under it, any other only paths with as many '/'. Sections come most
/// specific (deepest pattern) first. Its people are the M: (maintainers) and R: (reviewers), its
/// lists the L: but "subscribers-only" ones; each person is named once (by name or address,
/// case-insensitive), and THE REST's maintainer (Linus Torvalds) never.
///
/// Lookups are cheap: each pattern is filed by its literal first path component and tried by
/// its literal prefix before any regular expression runs (compiled on first use).

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace klogd {

struct Recipients {
  std::vector<std::string> subsystems;  ///< section titles, most specific first, THE REST last
  /// Lists and the maintainers and supporters of maintained or supported sections.
  std::vector<std::string> to;
  /// Reviewers, the people of odd-fixes, orphan or obsolete sections, and
  /// linux-kernel@vger.kernel.org when another list is named. Each "Name <address>" or an address.
  std::vector<std::string> cc;
};

class Maintainers {
 public:
  ~Maintainers();
  Maintainers(Maintainers&&) noexcept;
  Maintainers& operator=(Maintainers&&) noexcept;

  /// Reads `path` (plain or gzip'ed, told by its bytes; a regular file of at most 64 MiB). Fails
  /// with a message naming the file when it cannot be read or is not a MAINTAINERS file (no
  /// section with an F: pattern).
  static std::optional<Maintainers> load(const std::string& path, std::string* err);
  /// The same from text in memory; `name` is what messages call it.
  static std::optional<Maintainers> parse(std::string_view text, std::string_view name,
                                          std::string* err);

  /// The sections and addresses for `file` ("net/ipv6/ip6_output.c"); empty for "".
  Recipients lookup(std::string_view file) const;
  size_t sections() const;
  /// N: expressions RE2 cannot run (Perl-only syntax): left out, counted here.
  size_t unusable_patterns() const;

 private:
  struct Data;
  explicit Maintainers(std::unique_ptr<Data> d);
  std::unique_ptr<Data> d_;
};

}  // namespace klogd
