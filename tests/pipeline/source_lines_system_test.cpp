// Source lines in the daemon, on the tests' own ELF files (tests/data/source): a WARN replayed as
// kernel records (--kmsg) gives an incident record that names its guilty line in the file sink,
// forking as --user nobody, and in journald (KERNEL_INCIDENT_SOURCE, real systemd-journald);
// with --source-lines through a pipe, a trace printed again once its frames are known gets each
// frame's line; --debuginfo none turns it all off; the fingerprint never changes. The real
// debuginfod gives what is not installed: the running kernel's file by its build ID (a /sys of
// the test's own), and in --decode a module by the build ID its trace printed.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "pipeline/source_service.h"
#include "test_servers.h"
#include "test_util.h"

using namespace klogd::test;

namespace {

const std::string kKlogd = KLOGD_BINARY;
const std::string kDir = KLOGD_TEST_DATA "/source/";
const std::string kIncident = "klogd: incident: WARNING in outer_work [";

// tests/data/source/warn.log as kernel records (facility kern, level warning), from `seq` on,
// then a tagged record that ends the report.
std::string warn_records(uint64_t seq, const std::string& tag) {
  std::string out;
  for (const std::string& line : lines_of(read_file(kDir + "warn.log"))) {
    std::string text = line.substr(line.find("] ") + 2);
    out += "4," + std::to_string(seq) + "," + std::to_string(seq * 1000) + ",-;" + text + "\n";
    ++seq;
  }
  out += "6," + std::to_string(seq) + "," + std::to_string(seq * 1000) + ",-;" + tag + "\n";
  return out;
}

// The service on a /sys of the test's own whose kernel is vmlinux-test, no debug file installed
// under it: what it needs comes from debuginfod.
klogd::SourceServiceOptions fetching() {
  klogd::SourceServiceOptions o;
  o.root = root_whose_kernel_is(kDir + "vmlinux-test");
  REQUIRE(!o.root.empty());
  o.release = "6.1.0-test";
  o.debuginfod = true;
  return o;
}

std::string debuginfo() {
  return " --debuginfo " + kDir + "vmlinux-test --debuginfo " + kDir + "module-test.ko";
}

}  // namespace

TEST_CASE("source lines live: the incident names its guilty line, forking as --user",
          "[pipeline][source][live][life]") {
  const std::string dir = temp_dir();
  const std::string tag = unique_tag("source");
  write_file(dir + "/capture", warn_records(100, tag));
  REQUIRE(::chmod(dir.c_str(), 0777) == 0);
  // the debug files where the user can read them, as /usr/lib/debug's are (the build tree may
  // be in root's home): klogd opens them as the user it runs as
  REQUIRE(run_command("install -m 0644 " + kDir + "vmlinux-test " + kDir + "module-test.ko " + dir)
              .status == 0);
  const std::string out = dir + "/out";
  auto r = run_command(kKlogd + " -x --kmsg " + dir + "/capture --state-file none --pid-file " +
                       dir + "/pid --user nobody -f " + out + " --metrics-file " + dir +
                       "/klogd.prom --debuginfo " + dir + "/vmlinux-test --debuginfo " + dir +
                       "/module-test.ko");
  REQUIRE(r.status == 0);
  REQUIRE(wait_until([&] { return !exists(dir + "/pid"); }));  // the capture's end ends it
  const std::string text = read_file(out);
  INFO(text);
  CHECK(text.find(tag) != std::string::npos);
  CHECK(count(text, kIncident) == 1);
  CHECK(text.find("] (kernel/frames.c:18)\n") != std::string::npos);
  // without --source-lines the records are as the kernel printed them
  CHECK(text.find("caller_of_both+0x10/0x18\n") != std::string::npos);
  // only the guilty function's file was opened (the core kernel's), written in the metrics
  const std::string metrics = read_file(dir + "/klogd.prom");
  INFO(metrics);
  CHECK(metrics.find("\nklogd_source_lines_files_opened_total 1\n") != std::string::npos);
  CHECK(metrics.find("\nklogd_source_lines_files_refused_total 0\n") != std::string::npos);
  CHECK(metrics.find("\nklogd_source_lines_lookups_dropped_total 0\n") != std::string::npos);

  // --debuginfo none: no source line, the same fingerprint
  auto off = run_command("{ " + kKlogd + " -n -x --kmsg " + dir +
                         "/capture --state-file none -f - --debuginfo none 2>/dev/null; }");
  REQUIRE(off.status == 0);
  const size_t at = off.output.find(kIncident);
  REQUIRE(at != std::string::npos);
  const std::string line = off.output.substr(at, off.output.find('\n', at) - at);
  CHECK(line.find("(kernel/") == std::string::npos);
  CHECK(text.find(line + " (kernel/frames.c:18)") != std::string::npos);
}

TEST_CASE("source lines live: KERNEL_INCIDENT_SOURCE in journald",
          "[pipeline][source][live][journald]") {
  if (!Journald::can_run())
    skip_test("no cgroup filesystem at /sys/fs/cgroup: systemd-journald cannot run here");
  Journald jd;
  jd.start();
  const std::string dir = temp_dir();
  const std::string tag = unique_tag("source-journal");
  write_file(dir + "/capture", warn_records(100, tag));
  auto r = run_command(kKlogd + " -n -x --kmsg " + dir +
                       "/capture --state-file none --sink journald" + debuginfo());
  CHECK(r.status == 0);
  std::vector<std::string> tagged;
  REQUIRE(wait_until([&] { return !(tagged = journal_entries(tag)).empty(); }));
  const std::string pid = journal_pid(tagged[0]);
  std::string verbose;
  REQUIRE(wait_until([&] {
    verbose =
        run_command("journalctl --no-pager -o verbose KERNEL_INCIDENT_TYPE=warning _PID=" + pid)
            .output;
    return verbose.find("KERNEL_INCIDENT_SOURCE=") != std::string::npos;
  }));
  std::printf("journalctl -o verbose KERNEL_INCIDENT_TYPE=warning _PID=%s:\n%s\n", pid.c_str(),
              verbose.c_str());
  CHECK(verbose.find("MESSAGE=WARNING in outer_work") != std::string::npos);
  CHECK(verbose.find("KERNEL_INCIDENT_FUNCTION=outer_work") != std::string::npos);
  CHECK(verbose.find("KERNEL_INCIDENT_SOURCE=kernel/frames.c:18") != std::string::npos);
}

TEST_CASE("source lines live: --source-lines decorates frames once they are known",
          "[pipeline][source][live]") {
  const std::string dir = temp_dir();
  const std::string fifo = dir + "/kmsg";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  const std::string out = dir + "/out";
  Child klogd(kKlogd + " -n -x --kmsg " + fifo + " --state-file none -f " + out +
              " --source-lines" + debuginfo());
  int w = ::open(fifo.c_str(), O_WRONLY | O_CLOEXEC);
  REQUIRE(w >= 0);
  auto put = [&](const std::string& s) {
    REQUIRE(::write(w, s.data(), s.size()) == static_cast<ssize_t>(s.size()));
  };
  const std::string first = unique_tag("first"), second = unique_tag("second");
  put(warn_records(100, first));
  // the report's frames are looked up meanwhile; its incident says when
  REQUIRE(wait_for(out, kIncident));
  put(warn_records(200, second));
  REQUIRE(wait_for(out, second));
  ::close(w);  // the end of the replay ends klogd
  CHECK(klogd.stop(0) == 0);
  const std::string text = read_file(out);
  INFO(text);
  const std::string again = text.substr(text.find(first));
  CHECK(again.find("RIP: 0010:outer_work+0x6/0x23 (kernel/frames.c:18, inlined middle_scale "
                   "kernel/frames.c:12, inlined leaf_add kernel/frames.c:8)\n") !=
        std::string::npos);
  CHECK(again.find(" caller_of_both+0x10/0x18 (kernel/frames.c:33)\n") != std::string::npos);
  CHECK(again.find(" mod_write+0x9/0x17 [module_test] (kernel/module.c:16, inlined mod_leaf "
                   "kernel/module.c:7)\n") != std::string::npos);
  // the same crash again is counted, not told twice
  CHECK(count(text, kIncident) == 1);
}

TEST_CASE(
    "source lines live: the running kernel's debug info fetched from debuginfod by its build ID",
    "[pipeline][source][debuginfod]") {
  if (!Debuginfod::can_run()) skip_test("no /usr/bin/debuginfod (Debian's debuginfod package)");
  const std::string id = build_id_of(kDir + "vmlinux-test");
  Debuginfod server;
  server.start({kDir + "vmlinux-test"}, id);
  ::setenv("DEBUGINFOD_URLS", server.url().c_str(), 1);
  ::setenv("DEBUGINFOD_CACHE_PATH", (temp_dir() + "/cache").c_str(), 1);
  boost::asio::io_context io;
  klogd::SourceServiceOptions o = fetching();
  std::vector<std::string> said;
  klogd::SourceService service(io, o, [&](const klogd::Notes& n) {
    for (const auto& note : n.all()) said.push_back(note.text);
  });
  const std::string frame = " caller_of_both+0x10/0x18";
  service.decorate(frame);
  REQUIRE(wait_until([&] {
    io.restart();
    io.poll();
    return service.decorate(frame) != frame;
  }));
  CHECK(service.decorate(frame) == frame + " (kernel/frames.c:33)");
  CHECK(service.counters().fetched == 1);
  std::string all;
  // what it says comes to the loop after the frame is known
  CHECK(wait_until([&] {
    io.restart();
    io.poll();
    all.clear();
    for (const auto& said_line : said) all += said_line + "\n";
    return all.find("(build ID ") != std::string::npos;
  }));
  INFO(all);
  CHECK(all.find("source lines: no debug info of the kernel") == std::string::npos);
  CHECK(all.find("(build ID " + id + ")") != std::string::npos);
}

TEST_CASE("source lines: --decode fetches a module by the build ID its trace printed",
          "[decode][source][debuginfod]") {
  if (!Debuginfod::can_run()) skip_test("no /usr/bin/debuginfod (Debian's debuginfod package)");
  const std::string id = build_id_of(kDir + "module-test.ko");
  Debuginfod server;
  server.start({kDir + "module-test.ko"}, id);
  const std::string dir = temp_dir();
  write_file(dir + "/log", "[    2.901004]  mod_write+0x9/0x17 [module_test " + id + "]\n");
  const std::string env = "DEBUGINFOD_CACHE_PATH=" + dir + "/cache ";
  auto r = run_command("{ " + env + kKlogd + " --decode " + dir + "/log --debuginfo " + kDir +
                       "vmlinux-test --debuginfod " + server.url() + " 2>/dev/null; }");
  CHECK(r.status == 0);
  CHECK(r.output == "[    2.901004]  mod_write+0x9/0x17 [module_test " + id +
                        "] (kernel/module.c:16, inlined mod_leaf kernel/module.c:7)\n");
  // another build ID printed: not the server's, nothing made up
  write_file(dir + "/other",
             "[    2.901004]  mod_write+0x9/0x17 [module_test " + std::string(40, 'c') + "]\n");
  auto o = run_command(env + kKlogd + " --decode " + dir + "/other --debuginfo " + kDir +
                       "vmlinux-test --debuginfod " + server.url() + " 2>&1");
  CHECK(o.status == 0);
  CHECK(o.output.find("not found on " + server.url()) != std::string::npos);
  CHECK(o.output.find("(kernel/module.c") == std::string::npos);
}

TEST_CASE("source lines live: a debuginfod that never answers holds neither the loop nor the exit",
          "[pipeline][source][debuginfod]") {
  int port = 0;
  int fd = listen_loopback(&port);  // connections wait in the backlog, never answered
  ::setenv("DEBUGINFOD_URLS", ("http://127.0.0.1:" + std::to_string(port)).c_str(), 1);
  ::setenv("DEBUGINFOD_CACHE_PATH", (temp_dir() + "/cache").c_str(), 1);
  boost::asio::io_context io;
  klogd::SourceServiceOptions o = fetching();
  o.fetch_time = std::chrono::seconds(60);
  auto service = std::make_unique<klogd::SourceService>(io, o, nullptr);
  const std::string frame = " caller_of_both+0x10/0x18";
  // the loop goes on: the frame as it is, at once, again and again
  for (int i = 0; i < 5; ++i) {
    CHECK(service->decorate(frame) == frame);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  const auto start = std::chrono::steady_clock::now();
  service.reset();  // the daemon's exit, the fetch still waiting
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
  ::close(fd);
}
