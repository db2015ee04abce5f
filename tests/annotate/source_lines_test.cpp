// Source lines for a log line's frames, on the tests' own ELF files (tests/data/source): a
// trace's return addresses looked up at address - 1, a faulting PC at the address, the inline
// chain in the decorated text, a module's frames through its .ko, frames a kernel located
// already left alone, and debug files that do not belong refused.
#include "annotate/source_lines.h"

#include <catch2/catch.hpp>

#include "test_util.h"

using namespace klogd;
using namespace klogd::test;

namespace {

const std::string kDir = KLOGD_TEST_DATA "/source/";

SourceLines both() {
  SourceLines s;
  std::string err;
  REQUIRE(s.add(kDir + "vmlinux-test", &err));
  REQUIRE(s.add(kDir + "module-test.ko", &err));
  return s;
}

// binutils' answer at an address: "function file:line" innermost first, joined by "; "
std::string addr2line(const std::string& file, uint64_t address, const std::string& section = "") {
  char b[32];
  std::snprintf(b, sizeof b, "0x%llx", static_cast<unsigned long long>(address));
  auto r = run_command("addr2line -f -i -e " + file + (section.empty() ? "" : " -j " + section) +
                       " " + b);
  std::vector<std::string> l = lines_of(r.output);
  std::string out;
  for (size_t i = 0; i + 1 < l.size(); i += 2) {
    std::string where = l[i + 1].substr(0, l[i + 1].find(" ("));
    out += (out.empty() ? "" : "; ") + l[i] + " " + kernel_tree_path(where);
  }
  return out;
}

std::string chain(const FrameSource& f) {
  std::string out;
  for (const SourceLocation& s : f.source)
    out += (out.empty() ? "" : "; ") + s.function + " " + s.file + ":" + std::to_string(s.line);
  return out;
}

uint64_t symbol(const std::string& file, const std::string& name) {
  auto r = run_command("nm " + file + " | grep ' " + name + "$'");
  return std::stoull(r.output.substr(0, 16), nullptr, 16);
}

}  // namespace

TEST_CASE("source lines: a trace frame is the call (address - 1), a PC the address itself",
          "[annotate][source]") {
  SourceLines s = both();
  const uint64_t outer = symbol(kDir + "vmlinux-test", "outer_work");
  for (uint64_t off = 1; off < 0x23; ++off) {
    char frame[64];
    std::snprintf(frame, sizeof frame, "outer_work+0x%llx/0x23", static_cast<unsigned long long>(off));
    auto trace = s.frames(std::string(" ") + frame);
    auto pc = s.frames(std::string("RIP: 0010:") + frame);
    REQUIRE(trace.size() == 1);
    REQUIRE(pc.size() == 1);
    CHECK(trace[0].return_address);
    CHECK_FALSE(pc[0].return_address);
    INFO(frame);
    CHECK(chain(trace[0]) == addr2line(kDir + "vmlinux-test", outer + off - 1));
    CHECK(chain(pc[0]) == addr2line(kDir + "vmlinux-test", outer + off));
  }
  CHECK(is_pc_line("WARNING: CPU: 0 PID: 1 at crashme.c:25 crashme_warn+0x11/0x20 [crashme]"));
  CHECK(is_pc_line("pc : do_undefinstr+0x1c/0x40"));
  CHECK_FALSE(is_pc_line(" vfs_write+0xc7/0x3f0"));
}

TEST_CASE("source lines: the decorated line, inline chains, modules, a located frame left alone",
          "[annotate][source]") {
  SourceLines s = both();
  CHECK(s.decorate("RIP: 0010:outer_work+0x6/0x23") ==
        "RIP: 0010:outer_work+0x6/0x23 (kernel/frames.c:18, inlined middle_scale "
        "kernel/frames.c:12, inlined leaf_add kernel/frames.c:8)");
  CHECK(s.decorate(" caller_of_both+0x10/0x18") == " caller_of_both+0x10/0x18 (kernel/frames.c:33)");
  // two helpers: the printed size picks the one
  CHECK(s.decorate(" ? helper+0x9/0x3b") == " ? helper+0x9/0x3b (kernel/frames2.c:6)");
  CHECK(s.decorate(" helper+0x4/0x10") == " helper+0x4/0x10 (kernel/frames.c:26)");
  // a module frame, in the kernel's form and in klogd 1.5's
  CHECK(s.decorate(" mod_write+0x9/0x17 [module_test]") ==
        " mod_write+0x9/0x17 [module_test] (kernel/module.c:16, inlined mod_leaf "
        "kernel/module.c:7)");
  CHECK(s.decorate(" [<ffffffffa0000019>] [module_test:mod_write+0x9/0x17]") ==
        " [<ffffffffa0000019>] [module_test:mod_write+0x9/0x17] (kernel/module.c:16, inlined "
        "mod_leaf kernel/module.c:7)");
  const uint64_t mw = symbol(kDir + "module-test.ko", "mod_write");
  auto f = s.frames(" mod_write+0x9/0x17 [module-test]");  // '-' and '_' are one in names
  REQUIRE(f.size() == 1);
  CHECK(chain(f[0]) == addr2line(kDir + "module-test.ko", mw + 8, ".text"));
  // what no file covers, or no function of that size, or a kernel that located it: unchanged
  for (const char* same : {" vfs_write+0xc7/0x3f0", " helper+0x4/0x99", " other+0x1/0x2 [nomod]",
                           " outer_work+0x4/0x23 (kernel/frames.c:18)", "no frame at all"})
    CHECK(s.decorate(same) == same);
  // two frames on one line (an old kernel's "from" form)
  CHECK(s.decorate("[<x>] caller_of_both+0x10/0x18 from [<y>] helper2_call+0x5/0x9") ==
        "[<x>] caller_of_both+0x10/0x18 (kernel/frames.c:33) from [<y>] helper2_call+0x5/0x9 "
        "(kernel/frames2.c:13)");
}

TEST_CASE("source lines: a debug file is refused on evidence only, a function of another size",
          "[annotate][source]") {
  SourceLines s = both();
  std::string err;
  PrintedSymbol ok{"outer_work", 4, 0x23, "", ""};
  PrintedSymbol mod{"mod_write", 4, 0x17, "module_test", ""};
  CHECK(s.check({ok, mod}, &err));
  PrintedSymbol wrong{"outer_work", 4, 0x40, "", ""};
  CHECK_FALSE(s.check({ok, wrong}, &err));
  CHECK(err.find("vmlinux-test is not the crashed kernel's: the log printed outer_work/0x40") !=
        std::string::npos);
  // no evidence either way: a name the file does not hold, or data (an oops that jumped into a
  // data object prints "RIP: 0010:some_fops+0x18/0x120"), whatever size kallsyms printed for it
  PrintedSymbol absent{"mod_gone", 1, 0x10, "module_test", ""};
  CHECK(s.check({absent}, &err));
  PrintedSymbol data{"sink", 0x18, 0x120, "", ""};
  CHECK(s.check({ok, data, mod}, &err));
  PrintedSymbol other_module{"x", 1, 0x10, "not_given", ""};  // no file for it: nothing to check
  CHECK(s.check({other_module}, &err));
  // a build ID printed beside the module (CONFIG_STACKTRACE_BUILD_ID) that is not the file's
  PrintedSymbol other_build{"mod_write", 4, 0x17, "module_test", "00112233445566778899"};
  CHECK_FALSE(s.check({other_build}, &err));
  CHECK(err.find("module-test.ko is not the crashed kernel's module_test: the log printed build ID "
                 "00112233445566778899, the file's is ") != std::string::npos);
  SourceLines none;
  CHECK_FALSE(none.add(kDir + "vmlinux-test-stripped", &err));
  CHECK(err.find("no DWARF") != std::string::npos);
}
