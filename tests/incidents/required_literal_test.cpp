// required_literal: what it takes from a pattern, and the property the title rules rely on:
// a line the pattern matches holds the literal.
#include "incidents/required_literal.h"

#include <catch2/catch.hpp>
#include <initializer_list>

#include "incidents/corpus_lines.h"
#include "incidents/report_catalog.h"

using namespace klogd;

TEST_CASE("required literal: the longest sure run of plain text", "[incidents]") {
  CHECK(required_literal("BUG: KASAN: ([-a-z]+) in {{FUNC}}") == "BUG: KASAN: ");
  CHECK(required_literal(R"([^k] backtrace(?: \(crc [0-9a-fA-F]*\))?:)") == " backtrace");
  CHECK(required_literal("WARNING: .* at {{SRC}} {{FUNC}}") == "WARNING: ");
  CHECK(required_literal("Call (?:T|t)race") == "Call ");
  CHECK(required_literal("(?:IP|NIP):? foo") == " foo");
  CHECK(required_literal("a|b") == "");               // an alternation at the top: nothing is sure
  CHECK(required_literal("warnings?") == "warning");  // the optional 's' is not sure
  CHECK(required_literal("x{2,3}yz") == "yz");
  CHECK(required_literal(R"(\d+ seconds)") == " seconds");
  CHECK(required_literal("{{PC}} +{{FUNC}}") == "");
}

TEST_CASE("required literal: every catalog pattern that matches a corpus line finds its literal",
          "[incidents]") {
  const auto patterns = catalog_patterns();
  REQUIRE(patterns.size() > 150);
  size_t matches = 0, with_literal = 0;
  for (const Pattern* p : patterns) with_literal += !p->literal.empty();
  for (const std::string& line : corpus_lines()) {
    for (const Pattern* p : patterns) {
      if (!p->re.found(line)) continue;
      ++matches;
      if (line.find(p->literal) == std::string::npos)
        FAIL_CHECK("/" << p->source << "/ matches without \"" << p->literal << "\": " << line);
    }
  }
  CHECK(with_literal * 10 > patterns.size() * 7);  // most patterns have one
  CHECK(matches > 10000);
}

TEST_CASE("catalog: every pattern compiles (RE2 compiles each on first use)", "[incidents]") {
  for (const Pattern* p : catalog_patterns()) CHECK_NOTHROW(p->re.compile());
  for (const ReportKind& k : report_kinds()) {
    if (!k.suppressions.empty()) CHECK_NOTHROW(k.suppressed.compile());
    for (const TitleFormat& f : k.formats)
      if (f.stack && !f.stack->skip.empty()) CHECK_NOTHROW(f.stack->skip.compile());
  }
  CHECK_NOTHROW(infrastructure_frames().compile());
  CHECK_NOTHROW(stack_params().stall_anchors.compile());
  CHECK_THROWS_AS(Regex("(unbalanced").compile(), std::invalid_argument);
}

namespace {

// A frame pattern matched by hand gives what its regular expression gives, groups too, on every
// corpus line and on `near`; returns how many lines it matched.
size_t same_by_hand(const Pattern& frame, std::initializer_list<const char*> near) {
  REQUIRE(frame.exact);
  size_t frames = 0;
  auto same = [&](const std::string& line) {
    RegexMatch a, b;
    const bool ra = frame.re.find(line, &a), rb = frame.exact(line, &b);
    frames += ra;
    if (ra != rb || (ra && a.groups != b.groups)) FAIL_CHECK(line);
  };
  for (const std::string& line : corpus_lines()) same(line);
  for (const char* l : near) same(l);
  return frames;
}

}  // namespace

TEST_CASE("catalog: the frame line matched by hand is the regular expression's match",
          "[incidents]") {
  const size_t frames =
      same_by_hand(stack_params().frame[0],
                   {"[<0x>] f+0x1", "[<0>] f+1", "  [<ffff>]  f+0x1", "[<ab>] [<cd>] g.cold",
                    "[<ab>] [<cd>] [<ef>] h+0x1", "[ab] f+", "f", "+0x1", "  x.y", "[<ab]> f+1",
                    "[<0xzz>] f+1", "[<0xab>] _RNv1_a+0x1"});
  CHECK(frames > 4000);
}

TEST_CASE("catalog: arm's frame line matched by hand is the regular expression's match",
          "[incidents]") {
  const size_t frames = same_by_hand(
      stack_params().frame[1],
      {"[<80c1e5e8>] (__schedule) from [<80c1eb20>] (schedule+0x60/0xdc)",
       "  [<0x80c1e5e8>] (a.b) from [<0x1>] (c.cold)", "[<80c1e5e8>] (f) from [<80c1eb20>] (g)",
       "[<80c1e5e8>] () from [<80c1eb20>] (g+0x1)", "[<80c1e5e8>] (f) from [<zz>] (g+0x1)",
       "[<80c1e5e8>] (f) from  [<1>] (g+0x1)", "[<80c1e5e8>](f) from [<1>] (g+0x1)",
       "[80c1e5e8] (f) from [1] (g+1)", "[<0x>] (f) from [<1>] (g+1)",
       "x [<1>] (f) from [<1>] (g+1)", "[<1>] (f$) from [<1>] (g+1)",
       "[<1>] (f) from [<1>] (g.h+1)", "[<1>] (f) from [<1>] ("});
  CHECK(frames > 25);  // the corpus' arm reports, and the lines above
}
