// Map search, the content check and the slide, on whole fake trees under a root prefix.
#include "symbols/map_selection.h"

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <regex>

#include "test_util.h"

using namespace klogd;
using namespace klogd::test;

namespace {

// A synthetic kernel: N text symbols at base + i*0x40.
std::string make_map(uint64_t base, size_t n, const char* prefix = "fn", uint64_t step = 0x40) {
  std::string s;
  char line[128];
  std::snprintf(line, sizeof line, "%016llx T _text\n", static_cast<unsigned long long>(base));
  s += line;
  std::snprintf(line, sizeof line, "%016llx T _stext\n", static_cast<unsigned long long>(base));
  s += line;
  for (size_t i = 1; i <= n; ++i) {
    std::snprintf(line, sizeof line, "%016llx %c %s_%zu\n",
                  static_cast<unsigned long long>(base + i * step), i % 3 ? 'T' : 't', prefix, i);
    s += line;
    if (i % 50 == 0) {
      std::snprintf(line, sizeof line, "%016llx d data_%zu\n",
                    static_cast<unsigned long long>(base + i * step + 8), i);
      s += line;
    }
  }
  std::snprintf(line, sizeof line, "%016llx T start_kernel\n",
                static_cast<unsigned long long>(base + (n + 1) * step));
  s += line;
  std::snprintf(line, sizeof line, "%016llx T _etext\n",
                static_cast<unsigned long long>(base + (n + 2) * step));
  s += line;
  return s;
}

void put(const std::string& root, const std::string& path, const std::string& text) {
  std::string full = root + path;
  for (size_t i = 1; i < full.size(); ++i)
    if (full[i] == '/') ::mkdir(full.substr(0, i).c_str(), 0755);
  write_file(full, text);
}

const uint64_t kBase = 0xffffffff81000000;
const std::string kRelease = "6.1.0-test";

MapSearchOptions opts(const std::string& root) {
  MapSearchOptions o;
  o.map_root = root;
  o.kallsyms_path = root + "/proc/kallsyms";
  o.release = kRelease;
  return o;
}

}  // namespace

TEST_CASE("map selection: candidate order, de-duplicated", "[map_selection]") {
  auto list = map_candidates("/R", "5.10");
  std::vector<std::string> want = {"/R/boot/System.map-5.10",
                                   "/R/boot/System.map",
                                   "/R/System.map-5.10",
                                   "/R/System.map",
                                   "/R/usr/src/linux/System.map-5.10",
                                   "/R/usr/src/linux/System.map",
                                   "/R/lib/modules/5.10/System.map",
                                   "/R/usr/lib/debug/boot/System.map-5.10"};
  CHECK(list == want);
}

TEST_CASE("map selection: each search path, including -RELEASE variants, is found",
          "[map_selection]") {
  std::string kall = make_map(kBase + 0x2000000, 600);  // slide 0x2000000
  for (const std::string& path : map_candidates("", kRelease)) {
    std::string root = temp_dir();
    put(root, "/proc/kallsyms", kall);
    put(root, path, make_map(kBase, 600));
    MapSelection sel;
    std::string err;
    REQUIRE(select_map(opts(root), &sel, &err));
    INFO(path << "\n" << sel.report());
    CHECK(sel.chosen == root + path);
    CHECK(sel.trust == MapTrust::kContent);
    REQUIRE(sel.slide);
    CHECK(*sel.slide == 0x2000000);
  }
}

TEST_CASE("map selection: the first five bad lines of a map are shown with their numbers",
          "[map_selection]") {
  std::string root = temp_dir();
  put(root, "/proc/kallsyms", make_map(kBase, 600));
  std::string map = make_map(kBase, 600);
  for (int i = 0; i < 7; ++i) map += "garbage line " + std::to_string(i) + "\x01\n";
  put(root, "/boot/System.map-" + kRelease, map);
  MapSelection sel;
  std::string err;
  REQUIRE(select_map(opts(root), &sel, &err));
  std::string report = sel.report();
  INFO(report);
  CHECK(sel.trust == MapTrust::kContent);
  CHECK(report.find("7 bad lines skipped (line ") != std::string::npos);
  CHECK(report.find("garbage line 4?") != std::string::npos);  // the fifth, control byte masked
  CHECK(report.find("garbage line 5") == std::string::npos);   // only five
  CHECK(report.find("; ...)") != std::string::npos);
}

TEST_CASE("map selection: a map of another build is refused, kallsyms used instead",
          "[map_selection]") {
  std::string root = temp_dir();
  put(root, "/proc/kallsyms", make_map(kBase, 600));
  put(root, "/boot/System.map-" + kRelease, make_map(kBase, 600, "fn", 0x48));  // other layout
  MapSelection sel;
  std::string err;
  REQUIRE(select_map(opts(root), &sel, &err));
  INFO(sel.report());
  CHECK(sel.trust == MapTrust::kKallsyms);
  CHECK(sel.chosen == root + "/proc/kallsyms");
  CHECK(sel.report().find(root + "/boot/System.map-" + kRelease + ": refused: does not match") !=
        std::string::npos);
  CHECK(sel.report().find("disagree") != std::string::npos);
}

TEST_CASE("map selection: -k with a wrong map is an error unless forced", "[map_selection]") {
  std::string root = temp_dir();
  put(root, "/proc/kallsyms", make_map(kBase, 600));
  put(root, "/wrong.map", make_map(kBase, 600, "other"));
  MapSearchOptions o = opts(root);
  o.explicit_map = root + "/wrong.map";
  MapSelection sel;
  std::string err;
  CHECK_FALSE(select_map(o, &sel, &err));
  CHECK(err.find("does not match the running kernel") != std::string::npos);
  CHECK(err.find("--force-map") != std::string::npos);
  o.force = true;
  REQUIRE(select_map(o, &sel, &err));
  CHECK(sel.trust == MapTrust::kUnverified);
  CHECK_FALSE(sel.core().verified);
}

TEST_CASE("map selection: the same map shifted by a constant gives that slide", "[map_selection]") {
  std::string root = temp_dir();
  put(root, "/proc/kallsyms", make_map(kBase + 0x1be00000, 800));
  put(root, "/System.map", make_map(kBase, 800));
  MapSelection sel;
  std::string err;
  REQUIRE(select_map(opts(root), &sel, &err));
  CHECK(sel.trust == MapTrust::kContent);
  CHECK(*sel.slide == 0x1be00000);
  CHECK(sel.check.find("agree") != std::string::npos);
  Symbolizer s;
  s.set_core(sel.core());
  auto r = s.resolve(kBase + 0x1be00000 + 5 * 0x40 + 3);
  REQUIRE(r);
  CHECK(r->symbol == "fn_5");
  CHECK(r->offset == 3);
}

TEST_CASE("map selection: the Debian placeholder is refused and the -dbg map found",
          "[map_selection]") {
  std::string root = temp_dir();
  put(root, "/proc/kallsyms", make_map(kBase, 600));
  put(root, "/boot/System.map-" + kRelease,
      "ffffffffffffffff B The real System.map is in the linux-image-" + kRelease +
          "-dbg package\n");
  put(root, "/usr/lib/debug/boot/System.map-" + kRelease, make_map(kBase, 600));
  MapSelection sel;
  std::string err;
  REQUIRE(select_map(opts(root), &sel, &err));
  CHECK(sel.chosen == root + "/usr/lib/debug/boot/System.map-" + kRelease);
  CHECK(sel.candidates[0].verdict.find("placeholder") != std::string::npos);
}

TEST_CASE("map selection: garbage candidates are refused naming the file", "[map_selection]") {
  std::string root = temp_dir();
  put(root, "/proc/kallsyms", make_map(kBase, 600));
  put(root, "/boot/System.map", "");
  put(root, "/System.map", "this is not\na map\n");
  ::mkdir((root + "/usr").c_str(), 0755);
  ::mkdir((root + "/usr/src").c_str(), 0755);
  ::mkdir((root + "/usr/src/linux").c_str(), 0755);
  ::mkdir((root + "/usr/src/linux/System.map").c_str(), 0755);
  MapSelection sel;
  std::string err;
  REQUIRE(select_map(opts(root), &sel, &err));
  std::string rep = sel.report();
  CHECK(rep.find(root + "/boot/System.map: refused: " + root + "/boot/System.map: empty file") !=
        std::string::npos);
  CHECK(rep.find("not a symbol table") != std::string::npos);
  CHECK(rep.find("is a directory") != std::string::npos);
}

TEST_CASE("map selection: kallsyms hidden -> the release-name rule", "[map_selection]") {
  std::string root = temp_dir();
  std::string hidden;
  for (int i = 0; i < 10; ++i) hidden += "0000000000000000 T fn_" + std::to_string(i) + "\n";
  put(root, "/proc/kallsyms", hidden);
  put(root, "/System.map", make_map(kBase, 100));                               // plain: unverified
  put(root, "/lib/modules/" + kRelease + "/System.map", make_map(kBase, 100));  // named
  MapSelection sel;
  std::string err;
  REQUIRE(select_map(opts(root), &sel, &err));
  INFO(sel.report());
  CHECK_FALSE(sel.kallsyms_real);
  CHECK(sel.kallsyms_note.find("address 0") != std::string::npos);
  CHECK(sel.trust == MapTrust::kReleaseName);
  CHECK(sel.chosen == root + "/lib/modules/" + kRelease + "/System.map");
  // no slide evidence: core addresses are not named
  CHECK_FALSE(sel.slide);
  CHECK_FALSE(sel.core().slide_known);
  // a known slide (Kernel Offset, --kaslr-offset) or nokaslr makes it usable
  MapSearchOptions o = opts(root);
  o.known_slide = 0x1000000;
  REQUIRE(select_map(o, &sel, &err));
  CHECK(*sel.slide == 0x1000000);
  o = opts(root);
  o.kaslr_disabled = true;
  REQUIRE(select_map(o, &sel, &err));
  CHECK(*sel.slide == 0);
  // /proc/kcore's text segment gives _text at runtime
  o = opts(root);
  o.runtime_text = kBase + 0x18e00000;
  REQUIRE(select_map(o, &sel, &err));
  CHECK(*sel.slide == 0x18e00000);
  CHECK(sel.slide_source.find("kcore") != std::string::npos);
}

TEST_CASE("map selection: kallsyms hidden, only a plain map -> unverified and marked",
          "[map_selection]") {
  std::string root = temp_dir();
  put(root, "/System.map", make_map(kBase, 100));
  MapSearchOptions o = opts(root);
  o.kaslr_disabled = true;
  MapSelection sel;
  std::string err;
  REQUIRE(select_map(o, &sel, &err));
  CHECK(sel.trust == MapTrust::kUnverified);
  CHECK_FALSE(sel.verified());
  CHECK(sel.report().find("UNVERIFIED") != std::string::npos);
}

TEST_CASE("map selection: Version_ symbol on old kernels", "[map_selection]") {
  CHECK(linux_version_code("2.4.18") == 132114);
  CHECK(linux_version_code("2.6.32-5-amd64") == 132640);
  CHECK(linux_version_code("6.1") == (6u << 16 | 1u << 8));
  std::string root = temp_dir();
  put(root, "/boot/System.map", "c0100000 A Version_132114\n" + make_map(0xc0100000, 50));
  MapSearchOptions o = opts(root);
  o.release = "2.4.18";
  o.kaslr_disabled = true;
  MapSelection sel;
  std::string err;
  REQUIRE(select_map(o, &sel, &err));
  CHECK(sel.trust == MapTrust::kVersionSymbol);
  o.release = "2.4.19";
  REQUIRE(select_map(o, &sel, &err));
  CHECK(sel.trust == MapTrust::kNone);
  CHECK(sel.report().find(root + "/boot/System.map: refused: Version_132114 is not 2.4.19") !=
        std::string::npos);
}

TEST_CASE("map selection: the real Debian map against its own kallsyms", "[map_selection]") {
  std::string root = temp_dir();
  std::string kall = read_file(KLOGD_TEST_DATA "/debian/kallsyms.txt");
  REQUIRE(!kall.empty());
  put(root, "/proc/kallsyms", kall);
  put(root, "/boot/System.map-6.1.0-56-amd64", read_file(KLOGD_TEST_DATA "/debian/System.map"));
  MapSearchOptions o = opts(root);
  o.release = "6.1.0-56-amd64";
  MapSelection sel;
  std::string err;
  REQUIRE(select_map(o, &sel, &err));
  INFO(sel.report());
  CHECK(sel.trust == MapTrust::kContent);
  REQUIRE(sel.slide);
  CHECK(*sel.slide == 0x1be00000);  // console.txt: Kernel Offset: 0x1be00000
  // one build: every sampled symbol agrees, _etext (an end marker) included
  std::smatch m;
  REQUIRE(std::regex_search(sel.check, m, std::regex(R"((\d+)/(\d+) sampled text symbols agree)")));
  CHECK(m[1] == m[2]);
  CHECK(std::stoi(m[1]) >= 256);
  CHECK(sel.check.find("disagree") == std::string::npos);
}

TEST_CASE("map selection: this machine's own map is reported as matching", "[map_selection]") {
  // A System.map made from this machine's /proc/kallsyms, checked against the real kallsyms.
  std::string kall = read_file("/proc/kallsyms");
  std::string map;
  for (const auto& line : lines_of(kall))
    if (line.find('\t') == std::string::npos && line.rfind("0000000000000000", 0) != 0)
      map += line + "\n";
  REQUIRE(map.size() > 100000);
  std::string dir = temp_dir();
  write_file(dir + "/System.map", map);
  MapSearchOptions o;
  o.explicit_map = dir + "/System.map";
  MapSelection sel;
  std::string err;
  REQUIRE(select_map(o, &sel, &err));
  INFO(sel.report());
  CHECK(sel.trust == MapTrust::kContent);
  CHECK(*sel.slide == 0);
}
