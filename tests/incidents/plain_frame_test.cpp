// The detector adds a plain frame line to the report it is in without looking for a header or
// a marker in it: held here to the argument that none can be in one, and to every corpus line.
#include <catch2/catch.hpp>
#include <cctype>
#include <random>

#include "incidents/corpus_lines.h"
#include "incidents/incident_detector.h"
#include "incidents/report_catalog.h"

using namespace klogd;

namespace {

// In a plain frame line a space stands only at its start, after '?' or before " [", and the
// only other bytes are a name's, '+', '/', '?', '[' and ']'; so a text with ':', '<', '-', a
// space between two letters or digits, or "[ " is in none.
bool in_no_plain_frame(std::string_view text) {
  if (text.find_first_of(":<-") != std::string_view::npos) return true;
  if (text.find("[ ") != std::string_view::npos) return true;
  for (size_t i = 1; i + 1 < text.size(); ++i)
    if (text[i] == ' ' && std::isalnum(static_cast<unsigned char>(text[i - 1])) &&
        std::isalnum(static_cast<unsigned char>(text[i + 1])))
      return true;
  return false;
}

}  // namespace

TEST_CASE("plain frame: the kernel's frame lines, and nothing else", "[incidents]") {
  for (std::string_view l :
       {" crashme_write+0xd3/0xe3 [crashme]", " vfs_write+0xc7/0x3f0", " ? filp_close+0x5b/0x70",
        "  __x64_sys_write+0x19/0x20", "entry_SYSCALL_64_after_hwframe+0x6e/0xd8",
        " ext4_fill_super.cold+0x1a/0x2b0 [ext4]"}) {
    INFO(l);
    CHECK(is_plain_frame(l));
  }
  for (std::string_view l :
       {"", " ", " <TASK>", " </TASK>", "Call Trace:", " vfs_write", " vfs_write+0xc7",
        " vfs_write+0xc7/", " vfs_write+0xc7/0x3f0 ", " vfs_write+0xc7/0x3f0 [",
        " vfs_write+0xc7/0x3f0 []", " vfs_write+0xc7/0x3f0 [a b]", " vfs_write+0xc7/0x3f0 [ext4] x",
        " vfs_write+0xC7/0x3f0", "RIP: 0010:crashme_warn+0x11/0x20 [crashme]",
        " [<ffffffff81234567>] vfs_write+0x1/0x2", " ? ", " vfs_write+0xc7/0x3f0 (unreliable)",
        "+0x1/0x2"}) {
    INFO(l);
    CHECK_FALSE(is_plain_frame(l));
  }
}

TEST_CASE("plain frame: no report header and no marker can stand in one", "[incidents]") {
  for (const ReportKind& k : report_kinds()) {
    INFO(k.header);
    CHECK(in_no_plain_frame(k.header));
  }
  const auto markers = detector_markers();
  CHECK(markers.size() >= 10);
  for (const auto& [m, bit] : markers) {
    INFO(m);
    CHECK(in_no_plain_frame(m));
  }
  // and on real lines: every plain frame line of the corpora starts nothing and holds no marker
  size_t frames = 0;
  for (const std::string& line : corpus_lines()) {
    if (!is_plain_frame(line)) continue;
    ++frames;
    INFO(line);
    CHECK(report_start(line) == nullptr);
    for (const auto& [m, bit] : markers) CHECK(line.find(m) == std::string::npos);
  }
  CHECK(frames > 1000);
}

// What the detector's one pass finds against a search for each marker: every corpus line, each
// marker at every offset of random text, and junk.
TEST_CASE("detector marks: the same as a search for each marker", "[incidents]") {
  const auto markers = detector_markers();
  auto plain = [&](std::string_view line) {
    unsigned m = 0;
    for (const auto& [text, bit] : markers)
      if (line.find(text) != std::string_view::npos) m |= bit;
    return m;
  };
  size_t marked = 0;
  for (const std::string& line : corpus_lines()) {
    INFO(line);
    CHECK(detector_marks(line) == plain(line));
    marked += plain(line) != 0;
  }
  CHECK(marked > 100);
  std::mt19937 g(11);
  const std::string alphabet = "abcCdeEIKkOT ()-:[]<>=_0123456789";
  for (int i = 0; i < 3000; ++i) {
    std::string s;
    for (size_t n = g() % 120; n > 0; --n) s += alphabet[g() % alphabet.size()];
    const auto& [text, bit] = markers[g() % markers.size()];
    s.insert(g() % (s.size() + 1), text);
    if (g() % 2) s.insert(g() % (s.size() + 1), markers[g() % markers.size()].first);
    INFO(s);
    CHECK(detector_marks(s) == plain(s));
  }
}
