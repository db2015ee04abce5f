// The daemon's source lines on the tests' own ELF files (tests/data/source): nothing opened
// before a frame needs it; frames located off the loop and decorated from then on; an incident's
// guilty line answered on the loop; the running kernel's build ID (a /sys tree of the test's
// own) deciding whether a file is used, with the reason said once; files closed when idle and
// opened again; a crash storm's lookups bounded.
#include "pipeline/source_service.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <thread>

#include "test_util.h"

using namespace klogd;
using namespace klogd::test;

namespace {

const std::string kDir = KLOGD_TEST_DATA "/source/";
const std::string kTrace = " caller_of_both+0x10/0x18";
const std::string kRip = "RIP: 0010:outer_work+0x6/0x23";
const std::string kModule = " mod_write+0x9/0x17 [module_test]";

// Whether this process has `path` open, or mapped.
bool has_open(const std::string& path) {
  if (read_file("/proc/self/maps").find(path) != std::string::npos) return true;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator("/proc/self/fd", ec)) {
    std::error_code ec2;
    if (std::filesystem::read_symlink(e.path(), ec2).string() == path) return true;
  }
  return false;
}

struct Rig {
  boost::asio::io_context io;
  std::vector<std::string> said;
  std::unique_ptr<SourceService> service;
  explicit Rig(SourceServiceOptions o) {
    service = std::make_unique<SourceService>(io, std::move(o), [this](const Notes& n) {
      for (const Note& note : n.all()) said.push_back(note.text);
    });
  }
  // Runs the loop until `ok` or 5 s.
  bool run_until(const std::function<bool()>& ok) {
    for (int i = 0; i < 500 && !ok(); ++i) {
      io.restart();
      io.poll();  // (with no work queued, run_for would return at once)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return ok();
  }
  bool said_with(const std::string& what) const {
    for (const std::string& s : said)
      if (s.find(what) != std::string::npos) return true;
    return false;
  }
};

SourceServiceOptions files(bool running = false) {
  SourceServiceOptions o;
  o.debuginfo = {kDir + "vmlinux-test", kDir + "module-test.ko"};
  o.running_kernel = running;
  return o;
}

}  // namespace

TEST_CASE("source service: nothing opened until a frame needs it, then decorated from the cache",
          "[pipeline][source]") {
  Rig rig(files());
  CHECK_FALSE(rig.service->files_open());
  CHECK(rig.service->decorate("no frame here") == "no frame here");
  CHECK_FALSE(rig.service->files_open());
  CHECK_FALSE(has_open(kDir + "vmlinux-test"));
  CHECK(rig.service->counters().opened == 0);

  // the first time: as it is, looked up off the loop
  CHECK(rig.service->decorate(kTrace) == kTrace);
  REQUIRE(rig.run_until([&] { return rig.service->counters().located == 1; }));
  CHECK(rig.service->files_open());
  CHECK(rig.service->decorate(kTrace) == kTrace + " (kernel/frames.c:33)");
  CHECK(rig.service->decorate(kRip) == kRip);
  CHECK(rig.service->decorate(kModule) == kModule);
  REQUIRE(rig.run_until([&] { return rig.service->counters().located == 3; }));
  CHECK(rig.service->decorate(kRip) ==
        kRip +
            " (kernel/frames.c:18, inlined middle_scale kernel/frames.c:12, inlined leaf_add "
            "kernel/frames.c:8)");
  CHECK(rig.service->decorate(kModule) ==
        kModule + " (kernel/module.c:16, inlined mod_leaf kernel/module.c:7)");
  CHECK(rig.service->counters().opened == 2);
  // (what it says comes to the loop after the frames are known)
  CHECK(rig.run_until([&] { return rig.said_with("source lines: " + kDir + "vmlinux-test"); }));
}

TEST_CASE("source service: an incident's guilty line comes back on the loop",
          "[pipeline][source]") {
  Rig rig(files());
  Incident warn;
  warn.function = "outer_work";
  warn.pc_line = kRip;
  warn.frames = {"caller_of_both+0x10/0x18", "mod_write+0x9/0x17 [module_test]"};
  std::string got = "unset";
  rig.service->guilty_source(warn, [&](std::string s) { got = std::move(s); });
  REQUIRE(rig.run_until([&] { return got != "unset"; }));
  CHECK(got == "kernel/frames.c:18");
  // a module's function, found in the trace (a return address)
  Incident mod;
  mod.function = "mod_write";
  mod.module = "module_test";  // only its file is opened
  mod.frames = warn.frames;
  got = "unset";
  rig.service->guilty_source(mod, [&](std::string s) { got = std::move(s); });
  REQUIRE(rig.run_until([&] { return got != "unset"; }));
  CHECK(got == "kernel/module.c:16");
}

TEST_CASE("source service: the running kernel's build ID decides", "[pipeline][source][buildid]") {
  SECTION("the kernel's own: used") {
    SourceServiceOptions o = files(true);
    o.root = root_whose_kernel_is(kDir + "vmlinux-test");
    Rig rig(o);
    rig.service->decorate(kTrace);
    REQUIRE(rig.run_until([&] { return rig.service->counters().located == 1; }));
    CHECK(rig.service->decorate(kTrace) == kTrace + " (kernel/frames.c:33)");
    CHECK(rig.run_until([&] { return rig.said_with("(build ID "); }));
  }
  SECTION("another kernel's: refused with the reason, once, never opened again") {
    SourceServiceOptions o = files(true);
    o.root = root_whose_kernel_is(kDir + "module-test.ko");  // some other build ID
    Rig rig(o);
    rig.service->decorate(kTrace);
    REQUIRE(rig.run_until([&] { return rig.service->counters().located == 1; }));
    CHECK(rig.service->decorate(kTrace) == kTrace);
    CHECK(rig.service->counters().refused == 1);
    REQUIRE(rig.run_until([&] { return rig.said_with("is not the running kernel's"); }));
    CHECK(rig.said_with("vmlinux-test is not the running kernel's: its build ID is "));
    rig.service->decorate(" outer_work+0x1/0x23");
    REQUIRE(rig.run_until([&] { return rig.service->counters().located == 2; }));
    CHECK(rig.service->counters().refused == 1);
    CHECK_FALSE(rig.service->files_open());
  }
}

TEST_CASE("source service: files closed when idle, opened again when needed",
          "[pipeline][source]") {
  SourceServiceOptions o = files();
  o.idle_close = std::chrono::milliseconds(200);
  Rig rig(o);
  rig.service->decorate(kTrace);
  REQUIRE(rig.run_until([&] { return rig.service->counters().located == 1; }));
  CHECK(has_open(kDir + "vmlinux-test"));
  REQUIRE(rig.run_until([&] { return rig.service->counters().closed == 1; }));
  CHECK_FALSE(rig.service->files_open());
  CHECK_FALSE(has_open(kDir + "vmlinux-test"));
  CHECK(rig.run_until([&] { return rig.said_with("debug files closed after 0 s unused"); }));
  // what was located stays known; a new frame opens the file again
  CHECK(rig.service->decorate(kTrace) == kTrace + " (kernel/frames.c:33)");
  rig.service->decorate(" outer_work+0x1/0x23");
  REQUIRE(rig.run_until([&] { return rig.service->counters().located == 2; }));
  CHECK(rig.service->counters().opened == 2);
}

TEST_CASE("source service: a storm's lookups are bounded, never queued without end",
          "[pipeline][source]") {
  SourceServiceOptions o = files();
  o.max_queued = 2;
  Rig rig(o);
  for (int i = 0; i < 500; ++i)
    rig.service->decorate(" outer_work+0x" + std::to_string(i % 10) + "/0x23 x" +
                          std::to_string(i) + "+0x1/0x2");
  CHECK(rig.service->counters().dropped > 0);  // how many depends on the machine: 261 under ASan in CI
  // and it still answers once the storm is over
  CHECK(rig.run_until([&] { return rig.service->decorate(kTrace) != kTrace; }));
}

TEST_CASE("source service: a replay's file is refused on evidence only, as --decode refuses one",
          "[pipeline][source]") {
  // data at the RIP (no evidence): the file stays and the trace's frame is located
  Rig rig(files());
  const std::string data = "RIP: 0010:sink+0x18/0x120";
  CHECK(rig.service->decorate(data) == data);
  CHECK(rig.service->decorate(kTrace) == kTrace);
  REQUIRE(rig.run_until([&] { return rig.service->counters().located == 2; }));
  CHECK(rig.service->decorate(data) == data);
  CHECK(rig.service->decorate(kTrace) == kTrace + " (kernel/frames.c:33)");
  CHECK(rig.service->counters().refused == 0);
  // a function the file holds with another size: another build's file, refused and said
  Rig other(files());
  const std::string wrong = " caller_of_both+0x10/0x99";
  CHECK(other.service->decorate(wrong) == wrong);
  REQUIRE(other.run_until([&] { return other.service->counters().refused == 1; }));
  REQUIRE(other.run_until([&] { return other.said_with("is not the crashed kernel's"); }));
  CHECK(other.service->decorate(kTrace) == kTrace);
}
