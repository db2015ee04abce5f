// The daemon end to end on the real kernel: records written into /dev/kmsg with real addresses
// from /proc/kallsyms come out translated exactly as this test computes independently.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdio>
#include <map>

#include "test_util.h"

using namespace klogd::test;

namespace {

struct KSym {
  uint64_t address;
  std::string name;
  uint64_t size;
};

// Core text symbols from /proc/kallsyms that are alone at their address, with their sizes
// (distance to the next text address): computed here with nothing from lib/.
std::vector<KSym> real_text_symbols() {
  std::ifstream f("/proc/kallsyms");
  std::map<uint64_t, std::vector<std::string>> by_address;
  std::string line;
  while (std::getline(f, line)) {
    if (line.find('\t') != std::string::npos) continue;
    char type = 0;
    char name[512];
    unsigned long long a = 0;
    if (std::sscanf(line.c_str(), "%llx %c %511s", &a, &type, name) != 3) continue;
    if (a == 0 || !(type == 't' || type == 'T' || type == 'w' || type == 'W')) continue;
    by_address[a].push_back(name);
  }
  std::vector<KSym> out;
  for (auto it = by_address.begin(); it != by_address.end(); ++it) {
    auto next = std::next(it);
    if (next == by_address.end()) break;
    if (it->second.size() == 1) out.push_back({it->first, it->second[0], next->first - it->first});
  }
  return out;
}

std::string hex(uint64_t v, bool pad = true) {
  char b[32];
  std::snprintf(b, sizeof b, pad ? "%016llx" : "%llx", static_cast<unsigned long long>(v));
  return b;
}

std::string klogd_form(const KSym& s, uint64_t off) {
  char b[600];
  std::snprintf(b, sizeof b, "[%s+0x%llx/0x%02llx]", s.name.c_str(),
                static_cast<unsigned long long>(off), static_cast<unsigned long long>(s.size));
  return b;
}

const std::string kKlogd = KLOGD_BINARY;

}  // namespace

TEST_CASE("daemon: real kernel records with real addresses come out translated", "[daemon]") {
  auto syms = real_text_symbols();
  REQUIRE(syms.size() > 1000);  // /proc/kallsyms shows real addresses here (root)
  std::string tag = unique_tag("e2e");
  std::vector<std::pair<std::string, std::string>> expected;  // line marker -> translation
  for (size_t i = 0; i < 12; ++i) {
    const KSym& s = syms[(i * 7919 + 13) % syms.size()];
    uint64_t off = i % 3 == 0 ? 0 : i % 3 == 1 ? s.size / 2 : s.size - 1;
    std::string marker = tag + " n=" + std::to_string(i);
    REQUIRE(inject_kmsg("<4>" + marker + " trace [<" + hex(s.address + off) + ">] end\n"));
    expected.push_back({marker, marker + " trace " + klogd_form(s, off) + " end"});
  }
  std::string dir = temp_dir();
  auto r = run_command(kKlogd + " -o -n -f " + dir + "/out.log");
  REQUIRE(r.status == 0);
  std::string out = read_file(dir + "/out.log");
  for (const auto& [marker, want] : expected) {
    INFO(marker);
    size_t at = out.find(marker + " ");
    REQUIRE(at != std::string::npos);
    size_t eol = out.find('\n', at);
    CHECK(out.substr(at, eol - at) == want);
    // klogd's raw form: <LEVEL>[seconds.micros] before the text (user facility: prio 12)
    size_t bol = out.rfind('\n', at) + 1;
    CHECK(out.substr(bol, 5) == "<12>[");
    CHECK(out[at - 2] == ']');
  }
}

TEST_CASE("daemon: -x leaves addresses, -2 prints translated then original", "[daemon]") {
  auto syms = real_text_symbols();
  REQUIRE(!syms.empty());
  const KSym& s = syms[syms.size() / 2];
  std::string tag = unique_tag("x2");
  std::string text = tag + " [<" + hex(s.address + 1) + ">]";
  REQUIRE(inject_kmsg("<6>" + text + "\n"));
  auto x = run_command(kKlogd + " -o -n -x -f - 2>/dev/null | grep " + tag);
  CHECK(x.output.find(text) != std::string::npos);
  auto two = run_command(kKlogd + " -o -n -2 -f - 2>/dev/null | grep " + tag);
  auto lines = lines_of(two.output);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].find(tag + " " + klogd_form(s, 1)) != std::string::npos);
  CHECK(lines[1].find(text) != std::string::npos);
  auto keep = run_command(kKlogd + " -o -n --style keep -f - 2>/dev/null | grep " + tag);
  CHECK(keep.output.find(text + " (" + s.name + "+0x1/0x") != std::string::npos);
}

TEST_CASE("daemon: an escaped newline does not split a record", "[daemon]") {
  std::string tag = unique_tag("nl");
  // Written with a real newline inside would be two records; the kernel escapes control bytes
  // such as ESC (0x1b) in one record: it must come out as one line.
  REQUIRE(inject_kmsg("<6>" + tag +
                      " a\x1b"
                      "b\n"));
  auto r = run_command(kKlogd + " -o -n -f - 2>/dev/null | grep " + tag);
  auto lines = lines_of(r.output);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].find(tag + " a\\x1bb") != std::string::npos);
}

TEST_CASE("daemon: Debian's placeholder map is refused, saying so", "[daemon]") {
  std::string dir = temp_dir();
  write_file(dir + "/System.map",
             "ffffffffffffffff B The real System.map is in the linux-image-6.1.0-56-amd64-dbg "
             "package\n");
  auto r = run_command(kKlogd + " -o -n -f /dev/null -k " + dir + "/System.map");
  CHECK(r.status == 1);
  CHECK(r.output.find("placeholder") != std::string::npos);
  CHECK(r.output.find(dir + "/System.map") != std::string::npos);
}

TEST_CASE("daemon: usage errors exit 2 with a message", "[daemon]") {
  auto r = run_command(kKlogd + " -c 9");
  CHECK(r.status == 2);
  CHECK(r.output.find("console log level must be 1-8") != std::string::npos);
  r = run_command(kKlogd + " --no-such-option");
  CHECK(r.status == 2);
  // a stray word is no option: refused by name, never ignored (the daemon would start)
  r = run_command(kKlogd + " -n foo");
  CHECK(r.status == 2);
  CHECK(r.output.find("'foo': klogd takes options only") != std::string::npos);
  r = run_command(kKlogd + " --help");
  CHECK(r.status == 0);
  CHECK(r.output.find("-k FILE") != std::string::npos);
  r = run_command(kKlogd + " -v");
  CHECK(r.status == 0);
  CHECK(r.output.rfind("klogd ", 0) == 0);
}

TEST_CASE("daemon: kallsyms-less address forms print as a kallsyms kernel would", "[daemon]") {
  auto syms = real_text_symbols();
  REQUIRE(syms.size() > 100);
  // two adjacent functions: a return address at the second's first byte names the first
  size_t i = syms.size() / 3;
  while (i + 1 < syms.size() && syms[i + 1].address != syms[i].address + syms[i].size) ++i;
  REQUIRE(i + 1 < syms.size());
  const KSym& a = syms[i];
  const KSym& b = syms[i + 1];
  REQUIRE(a.size > 8);
  auto kform = [](const KSym& s, uint64_t off) {
    return s.name + "+0x" + hex(off, false) + "/0x" + hex(s.size, false);
  };
  std::string tag = unique_tag("nokallsyms");
  struct Case {
    std::string in, out;
  };
  std::vector<Case> cases = {
      {" 0x" + hex(a.address + 5), " " + kform(a, 5)},       // trace entry (%pB)
      {" ? 0x" + hex(b.address), " ? " + kform(a, a.size)},  // call as last instruction
      {"RIP: 0010:0x" + hex(a.address + 3), "RIP: 0010:" + kform(a, 3)},
      {"WARNING: CPU: 0 PID: 1 at f.c:29 0x" + hex(b.address),
       "WARNING: CPU: 0 PID: 1 at f.c:29 " + kform(b, 0)},
      {"RIP: 0033:0x000000000047b7a0", "RIP: 0033:0x000000000047b7a0"},  // user space: untouched
  };
  // The tag goes in a record of its own just before; the forms must stay whole-line forms.
  for (const Case& c : cases) {
    REQUIRE(inject_kmsg("<4>" + tag + "\n"));
    REQUIRE(inject_kmsg("<4>" + c.in + "\n"));
  }
  auto r = run_command(kKlogd + " -o -n -f - 2>/dev/null");
  auto lines = lines_of(r.output);
  size_t found = 0;
  for (size_t k = 0; k + 1 < lines.size(); ++k) {
    if (lines[k].find(tag) == std::string::npos) continue;
    REQUIRE(found < cases.size());
    const std::string& got = lines[k + 1];
    INFO(cases[found].in);
    CHECK(got.substr(got.find("] ") + 2) == cases[found].out);
    ++found;
  }
  CHECK(found == cases.size());
}

TEST_CASE("daemon: kallsyms hidden, the kernel's Kernel Offset line gives the slide", "[daemon]") {
  // kallsyms hidden (zeros), a map named for the running release, addresses in the map
  // 0x1000000 below the running kernel's (as if the slide were 0x1000000). The records are a
  // replayed capture: only the kernel writes facility 0, and only its line is evidence.
  auto syms = real_text_symbols();
  REQUIRE(syms.size() > 100);
  std::string root = temp_dir();
  std::string release = lines_of(read_file("/proc/sys/kernel/osrelease"))[0];
  write_file(root + "/kallsyms", "0000000000000000 T _text\n0000000000000000 T schedule\n");
  std::string map;
  for (const KSym& s : syms) map += hex(s.address - 0x1000000) + " T " + s.name + "\n";
  map += hex(syms.back().address + syms.back().size - 0x1000000) + " T zz_end\n";
  write_file(root + "/System.map-" + release, map);
  const KSym& s = syms[syms.size() / 2];
  std::string offset_line =
      "Kernel Offset: 0x1000000 from 0xffffffff81000000 (relocation range: "
      "0xffffffff80000000-0xffffffffbfffffff)";
  for (int facility : {0, 1}) {
    INFO("the Kernel Offset record's facility: " << facility);
    // prio = facility * 8 + level
    write_file(root + "/capture", "4,1,100,-;before [<" + hex(s.address + 1) + ">]\n" +
                                      std::to_string(facility * 8) + ",2,200,-;" + offset_line +
                                      "\n4,3,300,-;after [<" + hex(s.address + 1) + ">]\n");
    auto r = run_command(kKlogd + " -n --kmsg " + root + "/capture --state-file none -k " + root +
                         "/System.map-" + release + " --kallsyms " + root + "/kallsyms -f " + root +
                         "/out" + std::to_string(facility));
    INFO(r.output);
    CHECK(r.status == 0);
    CHECK(r.output.find("usable: name carries release " + release) != std::string::npos);
    std::string out = read_file(root + "/out" + std::to_string(facility));
    CHECK(out.find("] before [<" + hex(s.address + 1) + ">]") != std::string::npos);
    CHECK(out.find("] " + offset_line + "\n") != std::string::npos);  // the evidence, unchanged
    if (facility == 0) {
      CHECK(r.output.find("slide 0x1000000 from the log's Kernel Offset line") !=
            std::string::npos);
      CHECK(out.find("] after " + klogd_form(s, 1)) != std::string::npos);
    } else {  // written by userspace: not evidence
      CHECK(r.output.find("from the log's Kernel Offset line") == std::string::npos);
      CHECK(out.find("] after [<" + hex(s.address + 1) + ">]") != std::string::npos);
    }
  }
}
