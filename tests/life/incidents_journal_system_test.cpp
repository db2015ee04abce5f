// klogd incidents against a real journal: a journald namespace the test starts, fed by klogd
// replaying the Debian capture (a WARN and an oops) and by the daemon harvesting the previous
// boot's pstore records; listed, grouped, shown, read twice; a user without access, a damaged
// journal file, a fingerprint that matches nothing, a file that is not MAINTAINERS.
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "test_servers.h"
#include "test_util.h"

using namespace klogd::test;

namespace {

const std::string kKlogd = KLOGD_BINARY;
const std::string kCapture = KLOGD_TEST_DATA "/debian/kmsg.raw";
const std::string kMaintainers = KLOGD_TEST_DATA "/triage-guilty/MAINTAINERS-6.1";
const std::string kWarn = "35085de29c235f361e4a";  // WARNING in crashme_warn
const std::string kOops = "8afb843ec7fc08e3d22e";  // BUG: ... NULL pointer ... in crashme_oops

struct Namespace {
  // one per test case: a name journald saw stopped is not used again
  static inline int made = 0;
  std::string name = "klogdi" + std::to_string(::getpid()) + "n" + std::to_string(++made);
  std::string socket = "/run/systemd/journal." + name + "/socket";
  Child journald;
  Namespace() {
    journald.start("/lib/systemd/systemd-journald " + name);
    REQUIRE(wait_until([&] { return exists(socket); }));
  }
  ~Namespace() {
    journald.stop();
    std::error_code ec;
    for (const std::string& d : dirs()) std::filesystem::remove_all(d, ec);
    std::filesystem::remove_all("/run/systemd/journal." + name, ec);
  }
  // where journald keeps its files: /var/log/journal when that exists, else /run/log/journal
  std::vector<std::string> dirs() const {
    const std::string id = read_file("/etc/machine-id");
    const std::string leaf = id.substr(0, id.find('\n')) + "." + name;
    return {"/var/log/journal/" + leaf, "/run/log/journal/" + leaf};
  }
  CommandResult incidents(const std::string& rest) const {
    return run_command(kKlogd + " incidents --namespace " + name + " " + rest + " 2>&1");
  }
  // klogd replaying the capture into this journal, to its end.
  void replay(const std::string& extra = "") const {
    const auto r = run_command(kKlogd + " -n " + extra + " --kmsg " + kCapture +
                               " --sink journald --journal-socket " + socket +
                               " --state-file none --pid-file /dev/null 2>&1");
    INFO(r.output);
    REQUIRE(r.status == 0);
  }
};

bool can_run() { return Journald::can_run() && exists("/etc/machine-id"); }

// One journal entry in journald's native protocol, sent as `uid` (0: as the test runs).
bool send_entry(const std::string& socket_path, const std::string& entry, uid_t uid = 0) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    if (uid && (::setgid(65534) != 0 || ::setuid(uid) != 0)) ::_exit(2);
    const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::snprintf(a.sun_path, sizeof a.sun_path, "%s", socket_path.c_str());
    const ssize_t n = ::sendto(fd, entry.data(), entry.size(), 0,
                               reinterpret_cast<const sockaddr*>(&a), sizeof a);
    ::_exit(n == static_cast<ssize_t>(entry.size()) ? 0 : 1);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

}  // namespace

TEST_CASE("incidents: a replayed capture's crashes listed, grouped and shown from the journal",
          "[incidents][journald]") {
  if (!can_run()) skip_test("no cgroup filesystem: systemd-journald cannot run here");
  Namespace ns;
  CHECK(ns.incidents("--no-pager").status == 1);  // nothing yet: exit 1, as coredumpctl
  ns.replay();
  CommandResult list;
  REQUIRE(wait_until([&] {
    list = ns.incidents("--json");
    return count(list.output, "\"fingerprint\"") == 2;
  }));
  INFO(list.output);
  CHECK(list.status == 0);
  const std::vector<std::string> rows = lines_of(list.output);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].find("\"title\":\"WARNING in crashme_warn\"") != std::string::npos);
  CHECK(rows[0].find("\"fingerprint\":\"" + kWarn + "\"") != std::string::npos);
  CHECK(rows[0].find("\"origin\":\"replay\"") != std::string::npos);
  CHECK(rows[0].find("\"guilty_file\":\"crashme.c\"") != std::string::npos);
  CHECK(rows[0].find("\"module\":\"crashme\"") != std::string::npos);
  CHECK(rows[1].find("\"type\":\"oops\"") != std::string::npos);
  CHECK(rows[1].find("\"fingerprint\":\"" + kOops + "\"") != std::string::npos);

  // What any local user can write is no incident of klogd's: an entry with klogd's MESSAGE_ID
  // from another uid is not listed; a record with a garbled KERNEL_SEQNUM costs nothing.
  const std::string forged =
      "MESSAGE=forged\nMESSAGE_ID=962f7587ffba4a1b8ebb64e1e54eae2c\n"
      "KERNEL_INCIDENT_TITLE=forged incident\nKERNEL_INCIDENT_FINGERPRINT=00000000000000000000\n";
  CHECK(send_entry(ns.socket, forged, 65534));
  CHECK(send_entry(ns.socket, "MESSAGE=garbled\nKERNEL_SEQNUM=12x\nKERNEL_MONOTONIC_USEC=zz\n"));
  REQUIRE(wait_until([&] {
    return run_command("journalctl --namespace " + ns.name + " --no-pager MESSAGE=garbled")
               .output.find("garbled") != std::string::npos;
  }));
  CHECK(ns.incidents("--json").output.find("forged") == std::string::npos);

  // A second run finds the same; columns in a pipe, newest first with -r, -n.
  CHECK(ns.incidents("--json").output == list.output);
  const auto plain = ns.incidents("-r -n 1");
  INFO(plain.output);
  REQUIRE(lines_of(plain.output).size() == 2);
  CHECK(plain.output.rfind("TIME", 0) == 0);
  CHECK(lines_of(plain.output)[1].find(kOops) != std::string::npos);
  CHECK(plain.output.find("GWOE") != std::string::npos);  // the taint, one cell

  // The same crashes again, the daemon told whom to tell: grouped by fingerprint, counted.
  CHECK(list.output.find("\"subsystem\"") == std::string::npos);
  ns.replay("--maintainers " + kMaintainers);
  REQUIRE(wait_until([&] { return count(ns.incidents("--json").output, "\"fingerprint\"") == 4; }));
  // KERNEL_INCIDENT_SUBSYSTEM: the WARN's crashme.c is in no section but THE REST; the oops
  // printed no file, so it names none
  CHECK(count(ns.incidents("--json").output, "\"subsystem\":\"THE REST\"") == 1);
  const auto grouped = ns.incidents("--group --json");
  INFO(grouped.output);
  REQUIRE(lines_of(grouped.output).size() == 2);
  CHECK(lines_of(grouped.output)[0].find("\"fingerprint\":\"" + kWarn + "\",") !=
        std::string::npos);
  CHECK(lines_of(grouped.output)[0].find("\"count\":2,") != std::string::npos);
  CHECK(lines_of(grouped.output)[1].find("\"count\":2,") != std::string::npos);
  CHECK(ns.incidents("-b --json").output.find(kWarn) != std::string::npos);  // this boot
  CHECK(ns.incidents("--since tomorrow").status == 1);
  CHECK(ns.incidents("--until @1").status == 1);
  CHECK(ns.incidents("--since yesterday --until now --json").output ==
        ns.incidents("--json").output);

  // show: the report as the kernel printed it, where, whom to tell, when seen.
  const auto shown = ns.incidents("show " + kWarn.substr(0, 6) + " --maintainers " + kMaintainers);
  INFO(shown.output);
  CHECK(shown.status == 0);
  CHECK(shown.output.find("Title: WARNING in crashme_warn\n") != std::string::npos);
  CHECK(shown.output.find("Guilty file: crashme.c\n") != std::string::npos);
  CHECK(shown.output.find("Subsystems: THE REST\n") != std::string::npos);
  CHECK(shown.output.find("crashme: deliberate warning") != std::string::npos);
  CHECK(shown.output.find("crashme_write+0xd3/0xe3 [crashme]") != std::string::npos);
  CHECK(shown.output.find("---[ end trace") != std::string::npos);
  CHECK(shown.output.find("Seen 2 time(s)") != std::string::npos);
  const auto newest = ns.incidents("show -1");
  CHECK(newest.output.find("Fingerprint: " + kOops) != std::string::npos);
  CHECK(newest.output.find("Oops: 0002") != std::string::npos);

  // what matches nothing, a file that is not MAINTAINERS
  const auto none = ns.incidents("show ffffffff");
  CHECK(none.status == 1);
  CHECK(none.output.find("no incident matches 'ffffffff'") != std::string::npos);
  const std::string dir = temp_dir();
  write_file(dir + "/notes", "not a MAINTAINERS file\n");
  const auto bad = ns.incidents("show 1 --maintainers " + dir + "/notes");
  CHECK(bad.status == 3);
  CHECK(bad.output.find(dir + "/notes: not a MAINTAINERS file") != std::string::npos);
  CHECK(ns.incidents("show").status == 2);
  CHECK(ns.incidents("--since soon").status == 2);
}

TEST_CASE("incidents: the previous boot's crashes, harvested from pstore, listed as such",
          "[incidents][journald][pstore]") {
  if (!can_run()) skip_test("no cgroup filesystem: systemd-journald cannot run here");
  Namespace ns;
  const std::string dir = temp_dir();
  std::filesystem::copy(KLOGD_TEST_DATA "/pstore/pairA/pstore", dir + "/pstore",
                        std::filesystem::copy_options::recursive);
  Child d(kKlogd + " -n --start end --state-file none -x --pid-file " + dir + "/pid --pstore " +
          dir + "/pstore --pstore-state " + dir + "/state --sink journald --journal-socket " +
          ns.socket + " 2>" + dir + "/err");
  CommandResult list;
  REQUIRE(wait_until([&] {
    list = ns.incidents("--json");
    return list.output.find("kernel panic: sysrq triggered crash") != std::string::npos;
  }));
  CHECK(d.stop() == 0);
  INFO(list.output);
  CHECK(count(list.output, "\"origin\":\"previous\"") == 3);
  CHECK(list.output.find(kWarn) != std::string::npos);
  CHECK(list.output.find(kOops) != std::string::npos);
  const auto grouped = ns.incidents("--group");
  CHECK(grouped.output.find("kernel panic: sysrq triggered crash") != std::string::npos);
  // show: the previous boot's records carry no sequence numbers; the report is found again
  const auto shown = ns.incidents("show " + kOops);
  INFO(shown.output);
  CHECK(shown.status == 0);
  CHECK(shown.output.find("(previous)") != std::string::npos);
  CHECK(shown.output.find("BUG: kernel NULL pointer dereference") != std::string::npos);
  CHECK(shown.output.find("crashme_write") != std::string::npos);
  CHECK(shown.output.find("not in the journal") == std::string::npos);
}

TEST_CASE("incidents: a user without access to the journal is told so, exit 3",
          "[incidents][journald]") {
  if (!can_run()) skip_test("no cgroup filesystem: systemd-journald cannot run here");
  if (run_command("command -v setpriv").status != 0) skip_test("no setpriv (util-linux)");
  if (run_command("setpriv --reuid nobody --regid nogroup --clear-groups test -x " + kKlogd)
          .status != 0)
    skip_test("the build tree is not open to nobody");
  Namespace ns;
  ns.replay();
  REQUIRE(wait_until([&] { return ns.incidents("--json").status == 0; }));
  const auto r = run_command("setpriv --reuid nobody --regid nogroup --clear-groups " + kKlogd +
                             " incidents --namespace " + ns.name + " 2>&1");
  INFO(r.output);
  CHECK(r.status == 3);
  CHECK(r.output.find("cannot read the journal: ") != std::string::npos);
  CHECK(r.output.find("Permission denied") != std::string::npos);
  CHECK(r.output.find("systemd-journal") != std::string::npos);
}

TEST_CASE("incidents: a damaged journal file costs only what it held, never a crash",
          "[incidents][journald]") {
  if (!can_run()) skip_test("no cgroup filesystem: systemd-journald cannot run here");
  Namespace ns;
  ns.replay();
  REQUIRE(wait_until([&] { return ns.incidents("--json").status == 0; }));
  // a copy of its files (journald removes a namespace's runtime folder when it stops)
  REQUIRE(run_command("journalctl --namespace " + ns.name + " --sync").status == 0);
  const std::string dir = temp_dir();
  std::string jdir;
  for (const std::string& d : ns.dirs())
    if (jdir.empty() && exists(d)) jdir = d;
  REQUIRE(!jdir.empty());
  for (const auto& e : std::filesystem::directory_iterator(jdir))
    std::filesystem::copy(e.path(), dir + "/" + e.path().filename().string());
  const auto whole = run_command(kKlogd + " incidents -D " + dir + " --json 2>&1");
  CHECK(count(whole.output, "\"fingerprint\"") == 2);
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    // garbage over the second half of each file
    const auto size = std::filesystem::file_size(e.path());
    std::fstream f(e.path(), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(size / 2));
    const std::string junk(size - size / 2, '\xa5');
    f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
  }
  const auto damaged = run_command(kKlogd + " incidents -D " + dir + " --json 2>&1");
  INFO(damaged.output);
  CHECK((damaged.status == 0 || damaged.status == 1 || damaged.status == 3));
  CHECK(count(damaged.output, "\"fingerprint\"") <= 2);
  CHECK(run_command(kKlogd + " incidents -D " + dir + "/missing 2>&1").status != 0);
}

TEST_CASE("incidents: a saved log's and a file sink's crashes, with --file", "[incidents]") {
  const std::string dir = temp_dir();
  const auto r = run_command(kKlogd + " -n -o --kmsg " + kCapture + " -f " + dir +
                             "/out --state-file none --pstore none --pid-file /dev/null 2>&1");
  REQUIRE(r.status == 0);
  for (const std::string& file : {kCapture, dir + "/out"}) {
    INFO(file);
    const auto list = run_command(kKlogd + " incidents --file " + file + " --json 2>&1");
    INFO(list.output);
    CHECK(list.status == 0);
    CHECK(count(list.output, "\"fingerprint\"") == 2);  // klogd's own incident lines are not
    CHECK(list.output.find(kWarn) != std::string::npos);
    CHECK(list.output.find(kOops) != std::string::npos);
  }
  const auto shown = run_command(kKlogd + " incidents show " + kOops + " --file " + dir + "/out");
  CHECK(shown.output.find("BUG: kernel NULL pointer dereference") != std::string::npos);
  CHECK(run_command(kKlogd + " incidents --file " + dir + "/nothing 2>&1").status == 3);
  CHECK(run_command(kKlogd + " incidents --file " + dir + "/out -b 2>&1").status == 2);
}
