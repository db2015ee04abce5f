// klogd --decode --debuginfo as a kernel developer runs it, on the tests' own ELF files: frames
// decorated with their source lines and inlined callers, "frames" in --json, a folder searched,
// a debug file that is not the log's kernel refused.
#include <catch2/catch.hpp>
#include <filesystem>

#include "test_util.h"

using namespace klogd::test;
// (run_command adds 2>&1: a command whose stderr is not wanted is run as "{ ... 2>/dev/null; }")

namespace {
const std::string kKlogd = KLOGD_BINARY;
const std::string kDir = KLOGD_TEST_DATA "/source/";

const std::string kLog =
    "[    2.900000] Linux version 6.1.0-test (builder@host) #1 SMP\n"
    "[    2.900626] RIP: 0010:outer_work+0x6/0x23\n"
    "[    2.901000] Call Trace:\n"
    "[    2.901001]  <TASK>\n"
    "[    2.901002]  caller_of_both+0x10/0x18\n"
    "[    2.901003]  ? helper+0x9/0x3b\n"
    "[    2.901004]  mod_write+0x9/0x17 [module_test]\n"
    "[    2.901005]  </TASK>\n";
}  // namespace

TEST_CASE("decode source: frames get their source lines and inlined callers", "[decode][source]") {
  const std::string dir = temp_dir();
  write_file(dir + "/log", kLog);
  auto r = run_command("{ " + kKlogd + " --decode " + dir + "/log --debuginfo " + kDir +
                       "vmlinux-test --debuginfo " + kDir + "module-test.ko 2>/dev/null; }");
  REQUIRE(r.status == 0);
  const auto lines = lines_of(r.output);
  REQUIRE(lines.size() == 8);  // one output line per input line
  CHECK(lines[1] ==
        "[    2.900626] RIP: 0010:outer_work+0x6/0x23 (kernel/frames.c:18, inlined middle_scale "
        "kernel/frames.c:12, inlined leaf_add kernel/frames.c:8)");
  CHECK(lines[4] == "[    2.901002]  caller_of_both+0x10/0x18 (kernel/frames.c:33)");
  CHECK(lines[5] == "[    2.901003]  ? helper+0x9/0x3b (kernel/frames2.c:6)");
  CHECK(lines[6] ==
        "[    2.901004]  mod_write+0x9/0x17 [module_test] (kernel/module.c:16, inlined mod_leaf "
        "kernel/module.c:7)");

  auto j = run_command("{ " + kKlogd + " --decode " + dir + "/log --json --debuginfo " + kDir +
                       "vmlinux-test 2>/dev/null; }");
  REQUIRE(j.status == 0);
  const auto objects = lines_of(j.output);
  REQUIRE(objects.size() == 8);
  CHECK(objects[1].find(
            "\"frames\":[{\"symbol\":\"outer_work\",\"offset\":6,\"size\":35,\"module\":\"\","
            "\"return_address\":false,\"source\":[{\"function\":\"leaf_add\",\"file\":\"kernel/"
            "frames.c\",\"line\":8,\"inlined\":true},{\"function\":\"middle_scale\",\"file\":"
            "\"kernel/frames.c\",\"line\":12,\"inlined\":true},{\"function\":\"outer_work\","
            "\"file\":\"kernel/frames.c\",\"line\":18,\"inlined\":false}]}]") != std::string::npos);
  // a module frame with no debug file for it: listed, no source
  CHECK(objects[6].find("\"module\":\"module_test\",\"return_address\":true,\"source\":[]") !=
        std::string::npos);
  CHECK(objects[3].find("\"frames\":[]") != std::string::npos);
}

TEST_CASE("decode source: a folder laid out like /usr/lib/debug is searched for the log's release",
          "[decode][source]") {
  namespace fs = std::filesystem;
  const std::string dir = temp_dir();
  write_file(dir + "/log", kLog);
  fs::create_directories(dir + "/debug/boot");
  fs::create_directories(dir + "/debug/lib/modules/6.1.0-test/extra");
  fs::copy_file(kDir + "vmlinux-test", dir + "/debug/boot/vmlinux-6.1.0-test");
  fs::copy_file(kDir + "module-test.ko",
                dir + "/debug/lib/modules/6.1.0-test/extra/module-test.ko");
  auto r = run_command(kKlogd + " --decode " + dir + "/log --debuginfo " + dir + "/debug 2>&1");
  INFO(r.output);
  REQUIRE(r.status == 0);
  CHECK(r.output.find("source lines: " + dir + "/debug/boot/vmlinux-6.1.0-test") !=
        std::string::npos);
  CHECK(r.output.find("caller_of_both+0x10/0x18 (kernel/frames.c:33)") != std::string::npos);
  CHECK(r.output.find("[module_test] (kernel/module.c:16") != std::string::npos);
  // another release named: nothing found there, the log as it was
  auto other =
      run_command("{ " + kKlogd + " --decode " + dir + "/log --release 6.1.0-other --debuginfo " +
                  dir + "/debug 2>/dev/null; }");
  CHECK(other.status == 0);
  CHECK(other.output == kLog);
}

TEST_CASE("decode source: a debug file the log's frames disagree with is refused, naming the frame",
          "[decode][source]") {
  const std::string dir = temp_dir();
  write_file(dir + "/log", "[    2.901002]  caller_of_both+0x10/0x40\n");
  auto r =
      run_command(kKlogd + " --decode " + dir + "/log --debuginfo " + kDir + "vmlinux-test 2>&1");
  CHECK(r.status == 1);
  CHECK(r.output.find("vmlinux-test is not the crashed kernel's: the log printed "
                      "caller_of_both/0x40") != std::string::npos);
  auto stripped = run_command(kKlogd + " --decode " + dir + "/log --debuginfo " + kDir +
                              "vmlinux-test-stripped 2>&1");
  CHECK(stripped.status == 1);
  CHECK(stripped.output.find("no DWARF") != std::string::npos);
}

TEST_CASE("decode source: an incident names its guilty frame's line, its fingerprint unchanged",
          "[decode][source][incidents]") {
  const std::string log = kDir + "warn.log";  // a WARN in outer_work, as a kernel prints it
  auto with = run_command("{ " + kKlogd + " --decode " + log + " --incidents --debuginfo " + kDir +
                          "vmlinux-test 2>/dev/null; }");
  auto without = run_command("{ " + kKlogd + " --decode " + log + " --incidents 2>/dev/null; }");
  REQUIRE(with.status == 0);
  REQUIRE(without.status == 0);
  INFO(with.output);
  CHECK(with.output.find("\"title\":\"WARNING in outer_work\"") != std::string::npos);
  CHECK(with.output.find(",\"source\":\"kernel/frames.c:18\",") != std::string::npos);
  // the report printed the file itself (the WARNING's "at" line); with or without debug info
  CHECK(with.output.find(",\"guilty_file\":\"kernel/frames.c\"}") != std::string::npos);
  CHECK(without.output.find(",\"guilty_file\":\"kernel/frames.c\"}") != std::string::npos);
  CHECK(without.output.find("\"source\"") == std::string::npos);
  auto fingerprint = [](const std::string& json) {
    size_t at = json.find("\"fingerprint\":\"");
    return at == std::string::npos ? std::string() : json.substr(at + 15, 20);
  };
  CHECK_FALSE(fingerprint(with.output).empty());
  CHECK(fingerprint(with.output) == fingerprint(without.output));
}

TEST_CASE("decode source: an oops that jumped into data keeps every other frame's line",
          "[decode][source]") {
  // RIP at a data object (an NX fault, a corrupted function pointer): that frame has no line,
  // and it is no evidence that the file is another kernel's
  const std::string dir = temp_dir();
  write_file(dir + "/log",
             "[    2.900626] RIP: 0010:sink+0x18/0x120\n"
             "[    2.901000] Call Trace:\n"
             "[    2.901002]  caller_of_both+0x10/0x18\n");
  auto r = run_command("{ " + kKlogd + " --decode " + dir + "/log --debuginfo " + kDir +
                       "vmlinux-test 2>/dev/null; }");
  REQUIRE(r.status == 0);
  const auto lines = lines_of(r.output);
  REQUIRE(lines.size() == 3);
  CHECK(lines[0] == "[    2.900626] RIP: 0010:sink+0x18/0x120");
  CHECK(lines[2] == "[    2.901002]  caller_of_both+0x10/0x18 (kernel/frames.c:33)");
}

TEST_CASE("decode source: an oops that prints no file gets its guilty file from the located frames",
          "[decode][source]") {
  const std::string dir = temp_dir();
  // the WARN's report made an oops: no "at FILE:LINE" of its own anywhere
  std::string log = read_file(kDir + "warn.log");
  const std::string warn = "WARNING: CPU: 0 PID: 1 at kernel/frames.c:18 outer_work+0x6/0x23";
  REQUIRE(log.find(warn) != std::string::npos);
  log.replace(log.find(warn), warn.size(),
              "BUG: kernel NULL pointer dereference, address: 0000000000000008\n"
              "[    2.884181] Oops: 0002 [#1] PREEMPT SMP NOPTI");
  write_file(dir + "/oops.log", log);
  auto without = run_command(kKlogd + " --decode " + dir + "/oops.log --incidents 2>/dev/null");
  auto with = run_command(kKlogd + " --decode " + dir + "/oops.log --incidents --debuginfo " +
                          kDir + "vmlinux-test 2>/dev/null");
  INFO(without.output << with.output);
  CHECK(without.output.find("\"guilty_file\":\"\"") != std::string::npos);
  CHECK(with.output.find("\"source\":\"kernel/frames.c:18\"") != std::string::npos);
  CHECK(with.output.find("\"guilty_file\":\"kernel/frames.c\"") != std::string::npos);
}
