// Incidents live: the Debian boot's real crashme WARN and NULL-pointer oops (kernel-facility
// records, tests/data/debian/kmsg.raw) replayed through the daemon into a file, journald,
// rsyslogd and a --forward collector (real servers), forking as --user too; a fake report that
// userspace writes to the live /dev/kmsg opens none; --decode --incidents writes only JSON.
#include <signal.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <regex>

#include "test_servers.h"
#include "test_util.h"

using namespace klogd::test;

namespace {

const std::string kKlogd = KLOGD_BINARY;
const std::string kDebian = KLOGD_TEST_DATA "/debian/";

const std::string kWarn = "WARNING in crashme_warn";
const std::string kWarnFp = "35085de29c235f361e4a";
const std::string kOops = "BUG: unable to handle kernel NULL pointer dereference in crashme_oops";
const std::string kOopsFp = "8afb843ec7fc08e3d22e";
const std::string kMessageId = "962f7587ffba4a1b8ebb64e1e54eae2c";

// The Debian capture, with a tagged kernel record after it (to find this run's output).
struct Replay {
  std::string dir = temp_dir();
  std::string tag = unique_tag("incident");
  Replay() {
    write_file(dir + "/capture",
               read_file(kDebian + "kmsg.raw") + "6,464,3100000,-;" + tag + " replayed\n");
  }
  // -x: the capture is symbolized already (a kallsyms kernel) and not this host's
  std::string klogd(const std::string& rest) const {
    return kKlogd + " -x --kmsg " + dir + "/capture --state-file none --pid-file " + dir + "/pid " +
           rest;
  }
};

}  // namespace

TEST_CASE("incidents live: file sink, one line per incident after its records, all records kept",
          "[incidents][live]") {
  Replay rp;
  auto r = run_command(rp.klogd("-n -f " + rp.dir + "/out"));
  INFO(r.output);
  CHECK(r.status == 0);
  std::string out = read_file(rp.dir + "/out");
  INFO(out);
  const std::string warn_line = "klogd: incident: " + kWarn + " [" + kWarnFp + "]";
  const std::string oops_line = "klogd: incident: " + kOops + " [" + kOopsFp + "]";
  CHECK(count(out, warn_line) == 1);
  CHECK(count(out, oops_line) == 1);
  // after the records of its report, never instead of them
  size_t warn = out.find(warn_line), oops = out.find(oops_line);
  CHECK(out.find("---[ end trace") < warn);
  CHECK(out.find("CR2: 0000000000000000 CR3:") < oops);
  // right after them when no source line is looked for (with source lines, it may wait for its
  // line while the next records go on)
  auto strict = run_command(rp.klogd("-n --debuginfo none -f " + rp.dir + "/strict"));
  CHECK(strict.status == 0);
  const std::string in_order = read_file(rp.dir + "/strict");
  CHECK(in_order.find(warn_line) < in_order.find("BUG: kernel NULL pointer dereference"));
  CHECK(lines_of(out).size() == 465 + 2);  // every record, and the two incidents
  // the incident's level: a WARN is a warning (4), an oops critical (2)
  CHECK(out.rfind("\n", warn) != std::string::npos);
  CHECK(out.substr(out.rfind("\n", warn) + 1, 3) == "<4>");
  CHECK(out.substr(out.rfind("\n", oops) + 1, 3) == "<2>");

  // --incident-records false: the records alone
  auto off = run_command(rp.klogd("-n --incident-records false -f " + rp.dir + "/off"));
  CHECK(off.status == 0);
  std::string plain = read_file(rp.dir + "/off");
  CHECK(plain.find("klogd: incident:") == std::string::npos);
  CHECK(lines_of(plain).size() == 465);
}

TEST_CASE("incidents live: forking as --user, into a file", "[incidents][live][life]") {
  Replay rp;
  std::string out = rp.dir + "/out";
  auto r = run_command("chmod 777 " + rp.dir + " && " + rp.klogd("--user nobody -f " + out));
  REQUIRE(r.status == 0);  // the parent returns once the child runs
  bool done = wait_for(out, rp.tag + " replayed");
  // the capture's end ends the daemon
  CHECK(wait_until([&] { return !exists(rp.dir + "/pid"); }));
  REQUIRE(done);
  REQUIRE(wait_until([&] { return read_file(out).find(kOopsFp) != std::string::npos; }));
  std::string text = read_file(out);
  CHECK(count(text, "klogd: incident: " + kWarn + " [" + kWarnFp + "]") == 1);
  CHECK(count(text, "klogd: incident: " + kOops + " [" + kOopsFp + "]") == 1);
}

TEST_CASE("incidents live: journald, MESSAGE_ID and KERNEL_INCIDENT_ fields",
          "[incidents][live][journald]") {
  if (!Journald::can_run())
    skip_test("no cgroup filesystem at /sys/fs/cgroup: systemd-journald cannot run here");
  Journald jd;
  jd.start();
  Replay rp;
  auto r = run_command(rp.klogd("-n --sink journald"));
  CHECK(r.status == 0);
  std::vector<std::string> tagged;
  REQUIRE(wait_until([&] { return !(tagged = journal_entries(rp.tag)).empty(); }));
  const std::string pid = journal_pid(tagged[0]);
  std::string verbose;
  REQUIRE(wait_until([&] {
    verbose =
        run_command("journalctl --no-pager -o verbose MESSAGE_ID=" + kMessageId + " _PID=" + pid)
            .output;
    return count(verbose, "KERNEL_INCIDENT_TYPE=") == 2;
  }));
  INFO(verbose);
  std::printf("journalctl -o verbose MESSAGE_ID=%s _PID=%s:\n%s\n", kMessageId.c_str(), pid.c_str(),
              verbose.c_str());
  for (const std::string& want : std::vector<std::string>{
           "MESSAGE=" + kWarn, "KERNEL_INCIDENT_TYPE=warning",
           "KERNEL_INCIDENT_FINGERPRINT=" + kWarnFp,
           std::string("KERNEL_INCIDENT_FUNCTION=crashme_warn"),
           std::string("KERNEL_INCIDENT_MODULE=crashme"), std::string("KERNEL_INCIDENT_TAINT=G"),
           std::string("KERNEL_INCIDENT_FRAMES=crashme_write+0x"), std::string("PRIORITY=4"),
           "MESSAGE=" + kOops, "KERNEL_INCIDENT_TYPE=oops",
           "KERNEL_INCIDENT_FINGERPRINT=" + kOopsFp, std::string("KERNEL_INCIDENT_RELEASE=6.1.0-"),
           std::string("KERNEL_INCIDENT_REPEATS=0"), std::string("PRIORITY=2"),
           std::string("SYSLOG_FACILITY=0")})
    CHECK(verbose.find(want) != std::string::npos);
}

TEST_CASE("incidents live: syslog to rsyslogd, RFC 3164 line and RFC 5424 SD element",
          "[incidents][live]") {
  Rsyslog rs("%syslogtag%|%msg%|%structured-data%");
  rs.start();
  Replay rp;
  auto r = run_command(rp.klogd("-n --sink syslog --syslog-socket " + rs.socket()));
  CHECK(r.status == 0);
  REQUIRE(wait_until([&] { return rs.out().find(rp.tag) != std::string::npos; }));
  REQUIRE(wait_until([&] { return rs.out().find(kOopsFp) != std::string::npos; }));
  CHECK(count(rs.out(), "klogd: incident: " + kWarn + " [" + kWarnFp + "]") == 1);

  Rsyslog rs5("%msg%|%structured-data%");
  rs5.start();
  Replay rp5;
  r = run_command(
      rp5.klogd("-n --sink syslog --syslog-format rfc5424 --syslog-socket " + rs5.socket()));
  CHECK(r.status == 0);
  REQUIRE(wait_until([&] { return rs5.out().find(kOopsFp) != std::string::npos; }));
  std::string out = rs5.out();
  INFO(out);
  CHECK(out.find(kWarn + "|[kmsg@") != std::string::npos);
  CHECK(out.find("][incident@") != std::string::npos);
  CHECK(out.find("type=\"warning\" title=\"" + kWarn + "\"") != std::string::npos);
  CHECK(out.find("fingerprint=\"" + kWarnFp + "\"") != std::string::npos);
}

TEST_CASE("incidents live: --forward to an rsyslogd collector, its own SD element",
          "[incidents][live][forward]") {
  Collector c("imtcp");
  c.start();
  Replay rp;
  auto r =
      run_command(rp.klogd("-n -f /dev/null --forward tcp://127.0.0.1:" + std::to_string(c.port) +
                           " --forward-queue-dir " + rp.dir + "/queue"));
  CHECK(r.status == 0);
  REQUIRE(wait_until([&] { return c.out().find(kOopsFp) != std::string::npos; }));
  std::string out = c.out();
  INFO(out);
  // the WARN's message: the kernel's element, ours, then the title
  size_t at = out.find("fingerprint=\"" + kWarnFp + "\"");
  REQUIRE(at != std::string::npos);
  std::string msg = out.substr(out.rfind('\n', at) + 1);
  msg = msg.substr(0, msg.find('\n'));
  CHECK(std::regex_search(msg, std::regex("\\]\\[incident@32473 type=\"warning\" title=\"" + kWarn +
                                          "\" fingerprint=\"" + kWarnFp +
                                          "\" function=\"crashme_warn\" "
                                          "module=\"crashme\" taint=")));
  CHECK(msg.find(" frames=\"crashme_write+0x") != std::string::npos);
  CHECK(msg.ends_with("] \xef\xbb\xbf" + kWarn));
  CHECK(count(out, "fingerprint=\"" + kOopsFp + "\"") == 1);
}

TEST_CASE("incidents live: a report that userspace writes to /dev/kmsg opens none",
          "[incidents][live][life]") {
  std::string dir = temp_dir();
  std::string tag = unique_tag("fake-warn");
  auto r = run_command(kKlogd + " --start end --state-file none -x -f " + dir + "/out --pid-file " +
                       dir + "/pid");
  REQUIRE(r.status == 0);
  REQUIRE(wait_for(dir + "/pid", "\n"));
  pid_t pid = static_cast<pid_t>(std::stol(read_file(dir + "/pid")));
  const char* report[] = {
      "------------[ cut here ]------------",
      "WARNING: CPU: 0 PID: 1 at fake.c:1 fake_warn+0x1/0x10",
      "RIP: 0010:fake_warn+0x1/0x10",
      "CPU: 0 PID: 1 Comm: sh Not tainted 6.1.0 #1",
      "Call Trace:",
      " fake_write+0x1/0x10",
      " vfs_write+0x1/0x10",
      "---[ end trace 0000000000000000 ]---",
  };
  for (const char* line : report) REQUIRE(inject_kmsg(std::string("<4>") + line + "\n"));
  REQUIRE(inject_kmsg("<4>" + tag + " end\n"));
  bool seen = wait_for(dir + "/out", tag + " end");
  ::usleep(300'000);
  ::kill(pid, SIGTERM);
  CHECK(wait_until([&] { return ::kill(pid, 0) != 0; }));
  REQUIRE(seen);
  std::string out = read_file(dir + "/out");
  INFO(out);
  CHECK(out.find("WARNING: CPU: 0 PID: 1 at fake.c:1") != std::string::npos);  // delivered
  CHECK(out.find("klogd: incident:") == std::string::npos);

  // the same lines as kernel records (a replayed capture) do open one: the test can fail
  std::string capture;
  int seq = 1;
  for (const char* line : report)
    capture += "4," + std::to_string(seq++) + ",1000,-;" + line + "\n";
  write_file(dir + "/capture", capture);
  auto k = run_command(kKlogd + " -n -x --kmsg " + dir + "/capture --state-file none -f -");
  CHECK(k.output.find("klogd: incident: WARNING in fake_warn [") != std::string::npos);
}

TEST_CASE("incidents: --decode FILE --incidents writes one JSON object per line and nothing else",
          "[incidents][decode]") {
  std::string dir = temp_dir();
  auto r = run_command("(" + kKlogd + " --decode " + kDebian + "console.txt --incidents 2>" + dir +
                       "/err)");
  INFO(r.output << read_file(dir + "/err"));
  CHECK(r.status == 0);
  auto lines = lines_of(r.output);
  REQUIRE(lines.size() == 3);
  const std::regex object(
      R"(^\{"type":"[a-z_]+","title":"[^"]*","function":"[^"]*","module":"[^"]*","taint":\[.*\],"release":"[^"]*","cpu":(null|[0-9]+),"pid":(null|[0-9]+),"comm":"[^"]*","frames":\[.*\],"panicked":(true|false),"corrupted":(true|false),"first_line":[0-9]+,"last_line":[0-9]+,"fingerprint":"[0-9a-f]{20}","guilty_file":"[^"]*"\}$)");
  for (const auto& l : lines) CHECK(std::regex_match(l, object));
  CHECK(lines[0].find("\"title\":\"" + kWarn + "\"") != std::string::npos);
  CHECK(lines[0].find("\"fingerprint\":\"" + kWarnFp + "\"") != std::string::npos);
  CHECK(lines[0].find("{\"flag\":\"O\",\"meaning\":\"") != std::string::npos);
  CHECK(lines[1].find("\"title\":\"" + kOops + "\"") != std::string::npos);
  CHECK(lines[2].find("\"panicked\":true") != std::string::npos);
}
