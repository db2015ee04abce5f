// MAINTAINERS read as get_maintainer.pl --no-git --no-keywords reads it: Linux 6.1's file on
// syzkaller's guilty files, and each rule on a file made for it.
#include "incidents/maintainers.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <regex>
#include <set>

#include "test_util.h"

using namespace klogd;
using namespace klogd::test;

namespace {

const Maintainers& linux61() {
  static const Maintainers m = [] {
    std::string err;
    auto loaded = Maintainers::load(KLOGD_TEST_DATA "/triage-guilty/MAINTAINERS-6.1", &err);
    INFO(err);
    REQUIRE(loaded);
    return std::move(*loaded);
  }();
  return m;
}

std::set<std::string> split(const std::string& s, char sep) {
  std::set<std::string> out;
  size_t start = 0;
  while (start < s.size()) {
    size_t end = s.find(sep, start);
    if (end == std::string::npos) end = s.size();
    out.insert(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::set<std::string> addresses(const Recipients& r) {
  std::set<std::string> out;
  static const std::regex at(R"([A-Za-z0-9_.+-]+@[A-Za-z0-9_.-]+)");
  for (const auto* v : {&r.to, &r.cc})
    for (const std::string& s : *v)
      for (auto it = std::sregex_iterator(s.begin(), s.end(), at); it != std::sregex_iterator();
           ++it) {
        std::string a = it->str();
        std::transform(a.begin(), a.end(), a.begin(), ::tolower);
        out.insert(a);
      }
  return out;
}

std::optional<Maintainers> parsed(const std::string& text) {
  std::string err;
  auto m = Maintainers::parse(text, "test", &err);
  INFO(err);
  REQUIRE(m);
  return m;
}

}  // namespace

TEST_CASE("maintainers: Linux 6.1's, for syzkaller's guilty files, as get_maintainer.pl says",
          "[incidents]") {
  const Maintainers& m = linux61();
  CHECK(m.sections() > 2500);
  size_t cases = 0;
  for (const std::string& l : lines_of(read_file(KLOGD_TEST_DATA "/triage-guilty/expected.tsv"))) {
    if (l.empty() || l[0] == '#') continue;
    std::vector<std::string> f;
    size_t start = 0;
    for (int k = 0; k < 4; ++k) {
      size_t tab = l.find('\t', start);
      f.push_back(l.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
      start = tab == std::string::npos ? l.size() : tab + 1;
    }
    const Recipients r = m.lookup(f[1]);
    INFO("case " << f[0] << ": " << f[1]);
    CHECK(addresses(r) == split(f[2], ','));
    CHECK(std::set<std::string>(r.subsystems.begin(), r.subsystems.end()) == split(f[3], '|'));
    ++cases;
  }
  CHECK(cases == 17);
  // most specific first, THE REST last; Linus Torvalds never named
  const Recipients r = m.lookup("net/ipv6/ip6_output.c");
  REQUIRE(r.subsystems.size() == 3);
  CHECK(r.subsystems[0] == "NETWORKING [IPv4/IPv6]");
  CHECK(r.subsystems[2] == "THE REST");
  CHECK(addresses(r).count("torvalds@linux-foundation.org") == 0);
  // lists are To, linux-kernel@ Cc beside another list
  CHECK(std::count(r.to.begin(), r.to.end(), "netdev@vger.kernel.org") == 1);
  CHECK(std::count(r.cc.begin(), r.cc.end(), "linux-kernel@vger.kernel.org") == 1);
  CHECK(m.lookup("").subsystems.empty());
}

TEST_CASE("maintainers: patterns, exclusions, N: and the same person once", "[incidents]") {
  auto m = parsed(
      "Intro text, not a section\n\tM: indented, not a line of one\n\n"
      "FOO DRIVER\nM:\tAnn Example <ann@example.org>\nM:\tANN EXAMPLE <ann@other.org>\n"
      "R:\tbob@example.org (Bob)\nL:\tfoo@lists.example.org\nL:\tsecret@example.org "
      "(subscribers-only)\nS:\tMaintained\nF:\tdrivers/foo/\nX:\tdrivers/foo/legacy/\n\n"
      "FOO HEADERS\nM:\tCarl <carl@example.org>\nS:\tOdd Fixes\nF:\tinclude/linux/foo*.h\n"
      "F:\tdrivers/foo/core.c\n\n"
      "ARM/BAR SOC\nM:\tDee <dee@example.org>\nS:\tSupported\nN:\tbar[0-9]\n\n"
      "THE REST\nM:\tLinus Torvalds "
      "<torvalds@linux-foundation.org>\nL:\tlinux-kernel@vger.kernel.org\n"
      "S:\tBuried alive in reporters\nF:\t*\nF:\t*/\n");
  Recipients r = m->lookup("drivers/foo/core.c");
  REQUIRE(r.subsystems.size() == 3);
  CHECK(r.subsystems[0] == "FOO HEADERS");  // a file pattern is deeper than its folder's
  CHECK(r.subsystems[1] == "FOO DRIVER");
  CHECK(r.subsystems[2] == "THE REST");
  CHECK(addresses(r) == std::set<std::string>{"ann@example.org", "bob@example.org",
                                              "carl@example.org", "foo@lists.example.org",
                                              "linux-kernel@vger.kernel.org"});
  CHECK(std::count(r.to.begin(), r.to.end(), "Ann Example <ann@example.org>") == 1);
  CHECK(std::count(r.cc.begin(), r.cc.end(), "Carl <carl@example.org>") == 1);  // odd fixer
  CHECK(std::count(r.cc.begin(), r.cc.end(), "bob@example.org") == 1);          // reviewer
  // X: takes the section away; a folder pattern only matches under it
  r = m->lookup("drivers/foo/legacy/old.c");
  CHECK(std::find(r.subsystems.begin(), r.subsystems.end(), "FOO DRIVER") == r.subsystems.end());
  CHECK(m->lookup("drivers/foobar.c").subsystems == std::vector<std::string>{"THE REST"});
  // '*' is any run, matched with as many '/' as the pattern
  CHECK(m->lookup("include/linux/foo_bar.h").subsystems.front() == "FOO HEADERS");
  CHECK(m->lookup("include/linux/foo/bar.h").subsystems.front() == "THE REST");
  // N: is a regular expression over the path
  CHECK(m->lookup("arch/arm/mach-bar2/soc.c").subsystems.front() == "ARM/BAR SOC");
  // only the top-level "*" matches a file without '/'
  CHECK(m->lookup("Makefile").subsystems == std::vector<std::string>{"THE REST"});
}

TEST_CASE("maintainers: what is not a MAINTAINERS file is refused, naming it", "[incidents]") {
  const std::string dir = temp_dir();
  std::string err;
  write_file(dir + "/notes.txt", "just some text\nwith lines\n");
  CHECK_FALSE(Maintainers::load(dir + "/notes.txt", &err));
  CHECK(err == dir + "/notes.txt: not a MAINTAINERS file (no section with an F: pattern)");
  write_file(dir + "/binary", std::string("F:\tx\0\x01\x02", 6));
  CHECK_FALSE(Maintainers::load(dir + "/binary", &err));
  CHECK(err.find("not a MAINTAINERS file") != std::string::npos);
  CHECK_FALSE(Maintainers::load(dir + "/missing", &err));
  CHECK(err.find(dir + "/missing") != std::string::npos);
  CHECK_FALSE(Maintainers::load(dir, &err));  // a folder
  // gzip'ed, told by its bytes
  REQUIRE(
      run_command("gzip -c " KLOGD_TEST_DATA "/triage-guilty/MAINTAINERS-6.1 > " + dir + "/M.any")
          .status == 0);
  auto m = Maintainers::load(dir + "/M.any", &err);
  INFO(err);
  REQUIRE(m);
  CHECK(m->lookup("net/ipv6/ip6_output.c").subsystems.size() == 3);
  // a corrupt gzip
  write_file(dir + "/bad.gz", std::string("\x1f\x8b\x08\x00garbage", 12));
  CHECK_FALSE(Maintainers::load(dir + "/bad.gz", &err));
  CHECK(err.find(dir + "/bad.gz") != std::string::npos);
}
