// The daemon's start, one phase at a time, with a process of the test's own (nothing forks): what
// each phase opens, makes and decides; and the whole life on a replayed capture.
#include "life/start_phases.h"

#include <sys/capability.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "life/privileges.h"
#include "life/run_daemon.h"
#include "test_util.h"

using namespace klogd;
using namespace klogd::test;

namespace {

const std::string kPair = KLOGD_TEST_DATA "/pstore/pairA/";

// The process around the daemon, as a test sees it: what was asked of it.
struct TestProcess : ProcessPlumbing {
  std::vector<std::string> pid_files, told;
  int backgrounds = 0, keepers = 0, readies = 0;
  bool acquire_pid_file(const std::string& path, std::string*) override {
    pid_files.push_back(path);
    return true;
  }
  void background(bool) override { ++backgrounds; }
  void tell_parent(std::string_view m) override { told.emplace_back(m); }
  void keep_pid_file_as_root(const std::string&) override { ++keepers; }
  void ready() override { ++readies; }
};

Config config_of(Options o) {
  Config c;
  std::string err;
  REQUIRE(make_config(o, &c, &err));
  return c;
}

// A replay of `texts` into an output file, nothing of the machine's touched.
Options replay(const std::string& dir, const std::vector<std::string>& texts) {
  Options o;
  o.kmsg_path = dir + "/capture";
  write_capture(o.kmsg_path, texts, 1, 6);
  o.output_file = dir + "/out";
  o.no_translate = true;
  o.pstore = {"none"};
  o.debuginfo = {"none"};
  return o;
}

}  // namespace

TEST_CASE("phases: open what needs root, the pid file only for the daemon", "[life]") {
  const std::string dir = temp_dir();
  Config c = config_of(replay(dir, {"one"}));
  DaemonParts d(c);
  TestProcess p;
  std::string err;
  REQUIRE(open_privileged(d, p, &err));
  CHECK(d.source.kind() == LogSource::Kind::kCapture);
  CHECK(p.pid_files.empty());  // a replay has no pid file
  CHECK(d.processor);
  CHECK(d.made_output);
  CHECK(exists(dir + "/out"));
  // a source that cannot be opened stops the start, said
  Options bad = replay(dir, {"one"});
  bad.kmsg_path = dir + "/no-such-capture";
  write_file(dir + "/no-such-capture", "");
  std::filesystem::remove(dir + "/no-such-capture");
  bad.kmsg_path = "/nonexistent/kmsg";
  Config cb = config_of(bad);
  DaemonParts db(cb);
  CHECK_FALSE(open_privileged(db, p, &err));
  CHECK(err.find("/nonexistent/kmsg") != std::string::npos);
}

TEST_CASE("phases: what --user must write is made, a folder klogd did not make is refused",
          "[life]") {
  const std::string dir = temp_dir();
  Options o = replay(dir, {"one"});
  Config c = config_of(o);
  DaemonParts d(c);
  d.writable = {dir + "/queues/tcp-127.0.0.1-514"};
  std::string err;
  REQUIRE(prepare_for_user(d, &err));
  CHECK(std::filesystem::is_directory(dir + "/queues/tcp-127.0.0.1-514"));
  if (::geteuid() != 0) return;
  o.user = "nobody";
  Config cu = config_of(o);
  DaemonParts du(cu);
  du.writable = {dir + "/queues/tcp-127.0.0.1-514"};  // exists now, and is root's
  CHECK_FALSE(prepare_for_user(du, &err));
  CHECK(err.find("klogd hands over only folders it makes itself") != std::string::npos);
}

TEST_CASE("phases: the harvest makes the first records, and remembers them", "[life]") {
  const std::string dir = temp_dir();
  Options o = replay(dir, {"one"});
  o.kmsg_path = "/dev/kmsg";  // the daemon: a harvest
  o.pstore = {kPair + "pstore"};
  o.pstore_state = dir + "/state/pstore-state";
  Config c = config_of(o);
  REQUIRE(c.harvest);
  {
    DaemonParts d(c);
    harvest_at_start(d);
    CHECK(d.previous_counts.dumps == 2);
    CHECK(d.previous_counts.panics == 1);
    REQUIRE_FALSE(d.first_records.empty());
    CHECK(d.first_records.front().boot == RecordBoot::kPrevious);
    CHECK(d.pstore_state.is_open());
  }
  // the next start (the state file is the first one's while it lives): known, nothing sent again
  DaemonParts again(c);
  harvest_at_start(again);
  CHECK(again.previous_counts.dumps == 0);
  CHECK(again.first_records.empty());
}

TEST_CASE("phases: the drop keeps CAP_SYSLOG alone", "[life]") {
  if (::geteuid() != 0) skip_test("needs root");
  pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {  // the drop is the process's: done in a child
    Options o;
    o.user = "nobody";
    Config c;
    std::string err;
    if (!make_config(o, &c, &err)) ::_exit(10);
    DaemonParts d(c);
    TestProcess p;
    if (!drop_privileges(d, p, &err)) ::_exit(11);
    if (::getuid() == 0 || ::geteuid() == 0 || p.keepers != 1) ::_exit(12);
    cap_t now = cap_get_proc();
    cap_flag_value_t v = CAP_CLEAR;
    cap_get_flag(now, CAP_SYSLOG, CAP_PERMITTED, &v);
    if (v != CAP_SET) ::_exit(13);
    cap_get_flag(now, CAP_SYS_ADMIN, CAP_PERMITTED, &v);
    if (v != CAP_CLEAR) ::_exit(14);
    cap_free(now);
    ::_exit(0);
  }
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}

TEST_CASE("phases: the whole life on a replayed capture, and its exit status", "[life]") {
  const std::string dir = temp_dir();
  Config c = config_of(replay(dir, {"first record", "second record"}));
  TestProcess p;
  CHECK(run_daemon(c, p) == 0);
  CHECK(p.readies == 1);
  CHECK(p.backgrounds == 0);
  const std::string out = read_file(dir + "/out");
  CHECK(out.find("first record") != std::string::npos);
  CHECK(out.find("second record") != std::string::npos);
}
