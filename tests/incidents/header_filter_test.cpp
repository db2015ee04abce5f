// The header filter against the plain search it stands for: on every catalog header at every
// offset, and on every line of the test corpora.
#include "incidents/header_filter.h"

#include <catch2/catch.hpp>
#include <random>

#include "incidents/corpus_lines.h"

using namespace klogd;

namespace {

// What the filter must answer, found the slow way.
const ReportKind* plain_first(std::string_view line) {
  for (const ReportKind& k : report_kinds()) {
    if (line.find(k.header) == std::string_view::npos) continue;
    bool suppressed = false;
    for (const Pattern& p : k.suppressions) suppressed = suppressed || p.re.found(line);
    if (!suppressed) return &k;
  }
  return nullptr;
}

bool plain_maybe(std::string_view line) {
  for (const ReportKind& k : report_kinds())
    if (line.find(k.header) != std::string_view::npos) return true;
  size_t b = line.find_first_not_of(' ');
  return line.find("[ cut here ]") != std::string_view::npos ||
         (b != std::string_view::npos && line.substr(b, 8) == "========");
}

}  // namespace

TEST_CASE("header filter: every header is found at every offset, with the right kind",
          "[incidents]") {
  const HeaderFilter f(report_kinds());
  size_t checked = 0;
  for (const ReportKind& k : report_kinds()) {
    for (size_t pad = 0; pad < 24; ++pad) {
      for (const char* tail : {"", " tail of the line", ":"}) {
        const std::string line = std::string(pad, 'x') + k.header + tail;
        INFO(line);
        CHECK(f.maybe(line));
        CHECK(f.first(line) == plain_first(line));
        ++checked;
      }
    }
  }
  CHECK(checked > 2000);
  CHECK(f.maybe("[ cut here ]"));
  CHECK(f.maybe("  ================================================================"));
  CHECK_FALSE(f.maybe("a=b c==d ======== not at the start"));
  CHECK(f.first("[ cut here ]") == nullptr);  // a marker is no kind
  // suppressed: the header is there, the line starts nothing
  CHECK(f.maybe("WARNING: /etc/ssh/moduli does not exist, using fixed modulus"));
  CHECK(f.first("WARNING: /etc/ssh/moduli does not exist, using fixed modulus") == nullptr);
  CHECK(f.first("xfs warning: foo uses wireless extensions") == nullptr);
}

TEST_CASE("header filter: the same answer as a plain search on every corpus line, and on junk",
          "[incidents]") {
  const HeaderFilter f(report_kinds());
  size_t lines = 0, with_header = 0;
  for (const std::string& line : corpus_lines()) {
    ++lines;
    const bool want = plain_maybe(line);
    with_header += want;
    if (f.maybe(line) != want || f.first(line) != plain_first(line)) FAIL_CHECK(line);
  }
  CHECK(lines > 15000);
  CHECK(with_header > 300);
  // random bytes with headers spliced in at random places
  std::mt19937 rng(23);
  const auto& kinds = report_kinds();
  for (int i = 0; i < 5000; ++i) {
    std::string line(rng() % 300, ' ');
    for (char& c : line) c = static_cast<char>(rng() % 96 + 32);
    if (i % 2) line.insert(rng() % (line.size() + 1), kinds[rng() % kinds.size()].header);
    if (f.maybe(line) != plain_maybe(line) || f.first(line) != plain_first(line)) FAIL_CHECK(line);
  }
}

TEST_CASE(
    "header filter: a suppressed header line starts nothing, each suppression found by one search",
    "[incidents]") {
  const HeaderFilter f(report_kinds());
  for (std::string_view line : {
           "WARNING: Unprivileged eBPF is enabled with eIBRS, data leaks possible via Spectre v2",
           "WARNING: The mand mount option has been deprecated",
           "WARNING: kernel not compiled with CPU_SRSO",
           "EXT4-fs (sda1): WARNING: mounting fs with errors",
           "WARNING: iwconfig uses wireless extensions which will stop working",  // icase
           "ODEBUG: BUG: free active (active state 0) object type: timer_list",
       }) {
    INFO(line);
    CHECK(plain_first(line) == nullptr);
    CHECK(f.first(line) == nullptr);
  }
  // beside them, the same headers still start a report
  const ReportKind* warning =
      f.first("WARNING: CPU: 0 PID: 1 at crashme.c:24 crashme_warn+0x11/0x20");
  REQUIRE(warning != nullptr);
  CHECK(warning->header == "WARNING:");
  REQUIRE(f.first("BUG: kernel NULL pointer dereference, address: 0000000000000000") != nullptr);
}
