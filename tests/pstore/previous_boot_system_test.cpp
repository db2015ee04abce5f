// The previous boot's crashes and last words, harvested by the running daemon at start from the
// shared pair's real pstore records and systemd-pstore's archive of them (tests/data/pstore),
// delivered to the file sink (forking and -n, as root and --user), journald, an rsyslogd
// collector and the metrics; a second start gives nothing again; what the previous boot
// delivered is not sent twice; --pstore-unlink removes what was harvested.
#include <signal.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "test_servers.h"
#include "test_util.h"

using namespace klogd::test;

namespace {

const std::string kKlogd = KLOGD_BINARY;
const std::string kPair = KLOGD_TEST_DATA "/pstore/pairA/";
const std::string kPanicLine =
    "klogd: incident in the previous boot: kernel panic: sysrq triggered crash [";
const std::string kOopsLine =
    "klogd: incident in the previous boot: BUG: unable to handle kernel NULL pointer dereference "
    "in crashme_oops [8afb843ec7fc08e3d22e]";
const std::string kWarnLine =
    "klogd: incident in the previous boot: WARNING in crashme_warn [35085de29c235f361e4a]";

// A copy of the pair's /sys/fs/pstore and systemd-pstore's archive (--pstore-unlink removes
// files), and the daemon's files beside them.
struct Previous {
  std::string dir = temp_dir();
  std::string tag = unique_tag("previous-boot");
  Previous() {
    namespace fs = std::filesystem;
    fs::copy(kPair + "pstore", dir + "/pstore", fs::copy_options::recursive);
    fs::copy(kPair + "systemd-pstore/var/lib/systemd/pstore", dir + "/archive",
             fs::copy_options::recursive);
    ::chmod(dir.c_str(), 0777);  // --user nobody writes its output here
  }
  std::string klogd(const std::string& rest) const {
    return kKlogd + " --start end --state-file none -x --pid-file " + dir + "/pid --pstore " + dir +
           "/pstore --pstore " + dir + "/archive --pstore-state " + dir + "/state " + rest;
  }
  // A live record after the harvest: once it is out, everything before it is too.
  void mark(const std::string& out, int n) const {
    const std::string line = tag + " " + std::to_string(n);
    REQUIRE(inject_kmsg("<14>" + line + "\n"));
    REQUIRE(wait_for(out, line));
  }
  pid_t daemon_pid() const {
    REQUIRE(wait_for(dir + "/pid", "\n"));
    return static_cast<pid_t>(std::stol(read_file(dir + "/pid")));
  }
};

}  // namespace

TEST_CASE("previous boot: harvested at start into the file sink, once, forking and -n, as root "
          "and --user",
          "[pstore][live][life]") {
  for (const std::string user : {"", "nobody"}) {
    for (bool forking : {true, false}) {
      INFO("user '" << user << "', forking " << forking);
      Previous p;
      const std::string out = p.dir + "/out";
      const std::string args =
          p.klogd((forking ? "" : "-n ") + std::string("-f ") + out +
                  (user.empty() ? "" : " --user " + user));
      Child fg;
      pid_t pid;
      if (forking) {
        auto r = run_command(args);
        INFO(r.output);
        REQUIRE(r.status == 0);
        pid = p.daemon_pid();
      } else {
        fg.start(args + " 2>" + p.dir + "/err");
        pid = fg.pid();
        REQUIRE(wait_for(out, kPanicLine));  // the source is at its end by then
      }
      p.mark(out, 1);
      const std::string text = read_file(out);
      INFO(text.substr(0, 2000));
      CHECK(count(text, "klogd: previous boot: ") == 493);
      CHECK(count(text, kWarnLine) == 1);
      CHECK(count(text, kOopsLine) == 1);
      CHECK(count(text, kPanicLine) == 1);
      // the previous boot's first, with its own kernel time and level, before this boot's
      CHECK(text.starts_with("<5>[    0.000000] klogd: previous boot: Linux version 6.1.0-56"));
      CHECK(text.find(kPanicLine) < text.find(p.tag + " 1"));
      CHECK(text.find("<0>[   10.532020] klogd: previous boot: Kernel panic - not syncing: sysrq "
                      "triggered crash\n") != std::string::npos);
      ::kill(pid, SIGTERM);
      if (forking)
        CHECK(wait_until([&] { return !exists(p.dir + "/pid"); }));
      else
        CHECK(fg.stop(SIGTERM) == 0);

      // the next start: nothing of the previous boot again
      const std::string out2 = p.dir + "/out2";
      Child again(p.klogd("-n -f " + out2 + " 2>" + p.dir + "/err2"));
      REQUIRE(wait_for(p.dir + "/err2", "previous boot: 2 dumps (2 harvested before)"));
      p.mark(out2, 2);
      CHECK(read_file(out2).find("previous boot") == std::string::npos);
      CHECK(again.stop() == 0);
    }
  }
}

TEST_CASE("previous boot: what the previous boot delivered is not sent again, --pstore-unlink removes",
          "[pstore][live]") {
  Previous p;
  // the state as the previous boot's klogd left it: it delivered up to 2.900000, after the
  // WARN's report and before the oops
  const std::string other = "87f48d3a-1b40-4f9f-bfad-6754170ddcaa";
  write_file(p.dir + "/state", "klogd-pstore-state 1\nthis " + other +
                                   " 00000000000002900000\nprevious "
                                   "------------------------------------ --------------------\n");
  const std::string out = p.dir + "/out";
  Child d(p.klogd("-n --pstore-unlink -f " + out));
  REQUIRE(wait_for(out, kPanicLine));
  p.mark(out, 1);
  const std::string text = read_file(out);
  INFO(text.substr(0, 2000));
  CHECK(text.find(kWarnLine) == std::string::npos);  // told live in the previous boot
  CHECK(count(text, kOopsLine) == 1);
  CHECK(count(text, kPanicLine) == 1);
  CHECK(text.starts_with("<4>[    2.900137] klogd: previous boot: crashme: about to dereference "
                         "NULL\n"));
  CHECK(d.stop() == 0);
  // the state: this boot's id and its last delivered time (the tagged record's), the other
  // boot as previous, the two dumps
  const std::string state = read_file(p.dir + "/state");
  INFO(state);
  CHECK(state.find("previous " + other + " 00000000000002900000\n") != std::string::npos);
  CHECK(state.find("this " + read_file("/proc/sys/kernel/random/boot_id").substr(0, 36) + " 0") !=
        std::string::npos);
  CHECK(count(state, "\ndump ") == 2);
  // --pstore-unlink: the records and the archive's copies are gone
  CHECK_FALSE(exists(p.dir + "/pstore/dmesg-ramoops-0"));
  CHECK_FALSE(exists(p.dir + "/pstore/dmesg-ramoops-1"));
  CHECK_FALSE(exists(p.dir + "/archive/dmesg.txt"));
}

TEST_CASE("previous boot: journald gets KERNEL_INCIDENT_BOOT=previous and the last words",
          "[pstore][live][journald]") {
  if (!Journald::can_run())
    skip_test("no cgroup filesystem at /sys/fs/cgroup: systemd-journald cannot run here");
  Journald jd;
  jd.start();
  Previous p;
  Child d(p.klogd("-n --sink journald 2>" + p.dir + "/err"));
  REQUIRE(wait_for(p.dir + "/err", "previous boot: 2 dumps"));
  const std::string line = p.tag + " journald";
  REQUIRE(inject_kmsg("<14>" + line + "\n"));
  std::vector<std::string> tagged;
  REQUIRE(wait_until([&] { return !(tagged = journal_entries(line)).empty(); }));
  const std::string pid = journal_pid(tagged[0]);
  std::string verbose;
  REQUIRE(wait_until([&] {
    verbose = run_command("journalctl --no-pager -o verbose KERNEL_INCIDENT_BOOT=previous _PID=" +
                          pid)
                  .output;
    return count(verbose, "KERNEL_INCIDENT_TYPE=") == 3;
  }));
  INFO(verbose);
  std::printf("journalctl -o verbose KERNEL_INCIDENT_BOOT=previous _PID=%s:\n%s\n", pid.c_str(),
              verbose.c_str());
  for (const std::string want :
       {"MESSAGE=kernel panic: sysrq triggered crash", "KERNEL_INCIDENT_PANICKED=1",
        "KLOGD_BOOT=previous", "KERNEL_MONOTONIC_USEC=10532490", "PRIORITY=0",
        "KERNEL_INCIDENT_FINGERPRINT=8afb843ec7fc08e3d22e"})
    CHECK(verbose.find(want) != std::string::npos);
  CHECK(verbose.find("KERNEL_REALTIME_USEC") == std::string::npos);  // not this boot's clock
  const std::string words =
      run_command("journalctl --no-pager -o verbose KLOGD_BOOT=previous _PID=" + pid +
                  " MESSAGE='Kernel panic - not syncing: sysrq triggered crash'")
          .output;
  CHECK(words.find("KERNEL_MONOTONIC_USEC=10532020") != std::string::npos);
  CHECK(words.find("KERNEL_SEQNUM") == std::string::npos);
}

TEST_CASE("previous boot: an rsyslogd collector gets boot=\"previous\", metrics count it",
          "[pstore][live][forward]") {
  Collector c("imtcp");
  c.start();
  Previous p;
  Child d(p.klogd("-n -f " + p.dir + "/out --forward tcp://127.0.0.1:" + std::to_string(c.port) +
                  " --forward-queue-dir " + p.dir + "/queue --metrics-file " + p.dir +
                  "/klogd.prom --metrics-interval 1"));
  REQUIRE(wait_for(p.dir + "/out", kPanicLine));
  p.mark(p.dir + "/out", 1);
  REQUIRE(wait_until([&] { return c.out().find(p.tag + " 1") != std::string::npos; }));
  const std::string out = c.out();
  size_t at = out.find("title=\"kernel panic: sysrq triggered crash\"");
  REQUIRE(at != std::string::npos);
  std::string msg = out.substr(out.rfind('\n', at) + 1);
  msg = msg.substr(0, msg.find('\n'));
  INFO(msg);
  // no wall time (NILVALUE), no seq: another boot's record
  CHECK(msg.starts_with("<0>1 - "));
  CHECK(msg.find(" boot=\"previous\"]") != std::string::npos);
  CHECK(msg.find(" seq=") == std::string::npos);
  CHECK(msg.find("[incident@32473 type=\"panic\"") != std::string::npos);
  CHECK(msg.find(" panicked=\"1\"") != std::string::npos);
  CHECK(count(out, "mono=\"10532020\" boot=\"previous\"] \xef\xbb\xbfKernel panic - not syncing") ==
        1);
  std::string prom;
  REQUIRE(wait_until([&] {
    prom = read_file(p.dir + "/klogd.prom");
    return prom.find("klogd_previous_boot_panics 1") != std::string::npos;
  }));
  INFO(prom);
  CHECK(prom.find("klogd_previous_boot_incidents_total{type=\"panic\"} 1") != std::string::npos);
  CHECK(prom.find("klogd_previous_boot_incidents_total{type=\"oops\"} 1") != std::string::npos);
  CHECK(prom.find("klogd_previous_boot_incidents_total{type=\"warning\"} 1") != std::string::npos);
  CHECK(prom.find("klogd_pstore_dumps_total 2") != std::string::npos);
  CHECK(d.stop() == 0);
}

TEST_CASE("previous boot: as the systemd unit runs klogd (a user with CAP_SYSLOG and "
          "CAP_DAC_READ_SEARCH), root's pstore is read, then CAP_SYSLOG alone is kept",
          "[pstore][live][user]") {
  if (run_command("command -v setpriv").status != 0) skip_test("no setpriv (util-linux)");
  Previous p;
  // as /sys/fs/pstore and systemd-pstore's copies are: root's, nobody else may read them
  ::chmod((p.dir + "/pstore").c_str(), 0700);
  for (const char* f : {"/pstore/dmesg-ramoops-0", "/pstore/dmesg-ramoops-1"})
    ::chmod((p.dir + f).c_str(), 0600);
  const std::string out = p.dir + "/out";
  Child d(
      "setpriv --reuid nobody --regid nogroup --clear-groups --inh-caps +syslog,+dac_read_search "
      "--ambient-caps +syslog,+dac_read_search " +
      kKlogd + " -n --start end --state-file none -x --pid-file " + p.dir + "/pid --pstore " +
      p.dir + "/pstore --pstore-state " + p.dir + "/state -f " + out);
  REQUIRE(wait_for(out, kPanicLine));
  p.mark(out, 1);
  CHECK(count(read_file(out), "klogd: previous boot: ") == 493);
  const std::string status = read_file("/proc/" + std::to_string(d.pid()) + "/status");
  INFO(status);
  CHECK(status.find("CapEff:\t0000000400000000\n") != std::string::npos);  // CAP_SYSLOG (34)
  CHECK(status.find("CapPrm:\t0000000400000000\n") != std::string::npos);
  CHECK(status.find("CapAmb:\t0000000000000000\n") != std::string::npos);
  CHECK(d.stop() == 0);
}

TEST_CASE("previous boot: the local syslog (rsyslogd on its socket), RFC 3164 and RFC 5424",
          "[pstore][live]") {
  for (const std::string format : {"rfc3164", "rfc5424"}) {
    INFO(format);
    Rsyslog rs("%pri%|%syslogtag%|%msg%|%structured-data%");
    rs.start();
    Previous p;
    Child d(p.klogd("-n --sink syslog --syslog-format " + format + " --syslog-socket " +
                    rs.socket() + " 2>" + p.dir + "/err"));
    REQUIRE(wait_for(p.dir + "/err", "previous boot: 2 dumps"));
    const std::string line = p.tag + " syslog";
    REQUIRE(inject_kmsg("<14>" + line + "\n"));
    REQUIRE(wait_until([&] { return rs.out().find(line) != std::string::npos; }));
    const std::string out = rs.out();
    INFO(out.substr(0, 3000));
    if (format == "rfc3164") {
      // the last words with their level (kern.emerg: 0), the prefix saying whose they are
      CHECK(out.find("0|kernel:| klogd: previous boot: Kernel panic - not syncing: sysrq "
                     "triggered crash|") != std::string::npos);
      CHECK(out.find("klogd: incident in the previous boot: kernel panic: sysrq triggered crash [") !=
            std::string::npos);
      CHECK(count(out, "klogd: previous boot: ") == 493);
    } else {
      CHECK(out.find("0|kernel|Kernel panic - not syncing: sysrq triggered crash|[kmsg@32473 "
                     "mono=\"10532020\" boot=\"previous\"]") != std::string::npos);
      CHECK(out.find("boot=\"previous\"][incident@32473 type=\"panic\"") != std::string::npos);
    }
    const bool before = out.find("kernel panic: sysrq triggered crash") < out.find(line);
    CHECK(before);  // the previous boot's, before this boot's first record
    CHECK(d.stop() == 0);
  }
}
