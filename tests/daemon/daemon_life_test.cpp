// Drop-in klogd behaviour: options, signals, sd_notify, daemon life, privilege drop.
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <set>
#include <thread>

#include "test_servers.h"
#include "test_util.h"

using namespace klogd::test;

namespace {

const std::string kKlogd = KLOGD_BINARY;

}  // namespace

TEST_CASE("daemon life: TSTP suspends logging, CONT resumes it, nothing lost", "[daemon][life]") {
  std::string dir = temp_dir();
  Child pid(kKlogd + " -n --start end -f " + dir + "/out --state-file none --pid-file " + dir +
            "/pid 2>" + dir + "/err");
  REQUIRE(wait_for(dir + "/err", "output: file"));
  std::string tag = unique_tag("tstp");
  ::kill(pid.pid(), SIGTSTP);
  REQUIRE(wait_for(dir + "/err", "logging suspended"));
  REQUIRE(inject_kmsg("<6>" + tag + " while suspended\n"));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(read_file(dir + "/out").find(tag) == std::string::npos);
  ::kill(pid.pid(), SIGCONT);
  CHECK(wait_for(dir + "/out", tag + " while suspended"));
  CHECK(pid.stop() == 0);
}

TEST_CASE("daemon life: SIGTERM while the output is slow loses nothing queued", "[daemon][life]") {
  std::string dir = temp_dir();
  std::string fifo = dir + "/fifo";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  // A reader that holds the pipe open, shrinks it to one page and reads only after the TERM.
  int rd = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
  REQUIRE(rd >= 0);
  ::fcntl(rd, F_SETPIPE_SZ, 4096);
  std::string tag = unique_tag("term");
  for (int i = 0; i < 200; ++i)
    REQUIRE(inject_kmsg("<6>" + tag + " n=" + std::to_string(i) + " padding padding padding\n"));
  Child pid(kKlogd + " -n -f " + fifo + " --state-file none --pid-file " + dir + "/pid 2>" + dir +
            "/err");
  REQUIRE(wait_for(dir + "/err", "output: file"));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // klogd is now blocked writing
  ::kill(pid.pid(), SIGTERM);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ::fcntl(rd, F_SETFL, 0);  // blocking reads from here on
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(rd, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  ::close(rd);
  CHECK(pid.stop(0) == 0);  // it exits by itself after the TERM; reap it
  for (int i = 0; i < 200; ++i)
    CHECK(out.find(tag + " n=" + std::to_string(i) + " padding") != std::string::npos);
}

TEST_CASE("daemon life: SIGHUP reopens the file after rotation, nothing lost or doubled",
          "[daemon][life]") {
  std::string dir = temp_dir();
  Child pid(kKlogd + " -n --start end -f " + dir + "/out --state-file none --pid-file " + dir +
            "/pid 2>" + dir + "/err");
  REQUIRE(wait_for(dir + "/err", "output: file"));
  std::string tag = unique_tag("hup");
  REQUIRE(inject_kmsg("<6>" + tag + " one\n"));
  REQUIRE(wait_for(dir + "/out", tag + " one"));
  REQUIRE(::rename((dir + "/out").c_str(), (dir + "/out.1").c_str()) == 0);
  REQUIRE(inject_kmsg("<6>" + tag + " two\n"));  // still goes to the moved file
  REQUIRE(wait_for(dir + "/out.1", tag + " two"));
  ::kill(pid.pid(), SIGHUP);
  REQUIRE(wait_for(dir + "/err", "SIGHUP: file " + dir + "/out reopened"));
  REQUIRE(inject_kmsg("<6>" + tag + " three\n"));
  REQUIRE(wait_for(dir + "/out", tag + " three"));
  CHECK(pid.stop() == 0);
  std::string all = read_file(dir + "/out.1") + read_file(dir + "/out");
  for (std::string n : {" one", " two", " three"}) {
    size_t first = all.find(tag + n);
    CHECK(first != std::string::npos);
    CHECK(all.find(tag + n, first + 1) == std::string::npos);
  }
}

TEST_CASE("daemon life: Type=notify READY=1, STATUS= and WATCHDOG=1", "[daemon][life]") {
  std::string dir = temp_dir();
  int s = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  REQUIRE(s >= 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::string path = dir + "/notify";
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
  REQUIRE(::bind(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  timeval tv{5, 0};
  ::setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  Child pid("env NOTIFY_SOCKET=" + path + " WATCHDOG_USEC=400000 " + kKlogd +
            " -n -f /dev/null --state-file none --pid-file " + dir + "/pid 2>/dev/null");
  std::string got;
  char buf[512];
  for (int i = 0; i < 10 && (got.find("READY=1") == std::string::npos ||
                             got.find("WATCHDOG=1") == std::string::npos ||
                             got.find("STATUS=") == std::string::npos);
       ++i) {
    ssize_t n = ::recv(s, buf, sizeof buf, 0);
    if (n > 0) got.append(buf, static_cast<size_t>(n)).push_back('\n');
  }
  CHECK(got.find("READY=1") != std::string::npos);
  CHECK(got.find("WATCHDOG=1") != std::string::npos);
  CHECK(got.find("STATUS=records ") != std::string::npos);
  CHECK(pid.stop() == 0);
  ::close(s);
}

TEST_CASE("daemon life: without -n it forks, writes its pid file and keeps reading",
          "[daemon][life]") {
  std::string dir = temp_dir();
  auto r = run_command(kKlogd + " -f " + dir + "/out --state-file none --pid-file " + dir + "/pid");
  CHECK(r.status == 0);  // the parent returns at once
  REQUIRE(wait_for(dir + "/pid", "\n"));
  pid_t child = static_cast<pid_t>(std::stol(read_file(dir + "/pid")));
  CHECK(::kill(child, 0) == 0);
  std::string tag = unique_tag("bg");
  REQUIRE(inject_kmsg("<6>" + tag + "\n"));
  CHECK(wait_for(dir + "/out", tag));
  CHECK(run_command("cat /proc/" + std::to_string(child) + "/cwd/etc/hostname >/dev/null").status ==
        0);
  ::kill(child, SIGTERM);
  for (int i = 0; i < 100 && ::kill(child, 0) == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  CHECK(::kill(child, 0) != 0);
  struct stat st {};
  CHECK(::stat((dir + "/pid").c_str(), &st) != 0);  // removed on exit
}

TEST_CASE("daemon life: forking, the parent returns once the child runs, or fails with it",
          "[daemon][life]") {
  std::string dir = temp_dir();
  ::chmod(dir.c_str(), 0777);
  // at the parent's return the pid file already names the running child, never the parent
  for (int i = 0; i < 5; ++i) {
    auto r = run_command(kKlogd + " -x --start end --state-file none -f " + dir +
                         "/out --pid-file " + dir + "/pid");
    REQUIRE(r.status == 0);
    pid_t child = static_cast<pid_t>(std::stol(read_file(dir + "/pid")));
    CHECK(::kill(child, 0) == 0);
    ::kill(child, SIGTERM);
    CHECK(wait_until([&] { return !exists(dir + "/pid"); }));
  }
  // a start-up failure after the fork (as --user, a port it may not bind) is the parent's
  auto failed = run_command(kKlogd + " -x --start end --state-file none -f /dev/null --pid-file " +
                            dir + "/pid --user nobody --metrics-listen 127.0.0.1:1");
  CHECK(failed.status == 1);
  CHECK(failed.output.find("ended before it was ready") != std::string::npos);
  // the reason, told by the parent where klogd was started (syslog may not run yet)
  CHECK(failed.output.find("klogd: error: metrics endpoint 127.0.0.1:1: bind: Permission denied") !=
        std::string::npos);
  CHECK_FALSE(exists(dir + "/pid"));
}

TEST_CASE("daemon life: --user drops to that user with CAP_SYSLOG only", "[daemon][life]") {
  std::string dir = temp_dir();
  ::chmod(dir.c_str(), 0777);
  Child pid(kKlogd + " -n --start end --user nobody -f " + dir + "/out --pid-file " + dir +
            "/pid 2>" + dir + "/err");
  REQUIRE(wait_for(dir + "/err", "running as nobody"));
  std::string status = read_file("/proc/" + std::to_string(pid.pid()) + "/status");
  CHECK(status.find("Uid:\t65534\t65534\t65534\t65534") != std::string::npos);
  CHECK(status.find("CapEff:\t0000000400000000") != std::string::npos);  // bit 34: CAP_SYSLOG
  std::string tag = unique_tag("user");
  REQUIRE(inject_kmsg("<6>" + tag + "\n"));
  CHECK(wait_for(dir + "/out", tag));
  pid.stop();
}

TEST_CASE("options: -c sets the console log level", "[daemon][options]") {
  std::string before = read_file("/proc/sys/kernel/printk");
  REQUIRE(!before.empty());
  auto r = run_command(kKlogd + " -o -c 3 -f /dev/null");
  CHECK(r.status == 0);
  std::string after = read_file("/proc/sys/kernel/printk");
  CHECK(after.substr(0, after.find_first_of(" \t")) == "3");
  // restore the console level
  run_command("echo '" + before.substr(0, before.find('\n')) + "' > /proc/sys/kernel/printk");
}

TEST_CASE("options: -s, /proc/kmsg and a config file", "[daemon][options]") {
  std::string tag = unique_tag("src");
  REQUIRE(inject_kmsg("<4>" + tag + " syscall\n"));
  auto r = run_command(kKlogd + " -s -o -f - 2>/dev/null");
  CHECK(r.output.find("<12>[") != std::string::npos);
  CHECK(r.output.find("] " + tag + " syscall\n") != std::string::npos);
  std::string dir = temp_dir();
  write_file(dir + "/klogd.conf", "output = " + dir + "/from-conf.log\nno-translate = true\n");
  REQUIRE(inject_kmsg("<4>" + tag + " conf [<ffffffff81000000>]\n"));
  r = run_command(kKlogd + " -o --config " + dir + "/klogd.conf");
  CHECK(r.status == 0);
  CHECK(read_file(dir + "/from-conf.log").find(tag + " conf [<ffffffff81000000>]") !=
        std::string::npos);
  // the command line wins over the file
  r = run_command(kKlogd + " -o --config " + dir + "/klogd.conf -f " + dir + "/cli.log");
  CHECK(read_file(dir + "/cli.log").find(tag + " conf") != std::string::npos);
  write_file(dir + "/bad.conf", "no-such-key = 1\n");
  r = run_command(kKlogd + " -o --config " + dir + "/bad.conf");
  CHECK(r.status == 2);
  CHECK(r.output.find(dir + "/bad.conf") != std::string::npos);
  r = run_command(kKlogd + " -o --config " + dir + "/missing.conf");
  CHECK(r.status == 2);
}

TEST_CASE("options: -p reloads module symbols when the kernel's oops begins, not for each line",
          "[daemon][options]") {
  std::string dir = temp_dir();
  run_command("mkdir -p " + dir + "/root/proc");
  write_file(dir + "/root/proc/modules", "old 4096 0 - Live 0xffffffffc8700000\n");
  write_file(dir + "/root/proc/kallsyms", "ffffffffc8700000 t old_func\t[old]\n");
  // 200 kernel records and 200 of userspace's, each with BUG: or Oops: (klogd 1.5 reloaded
  // synchronously on every one, 42 ms each on a real host)
  std::vector<std::string> kernel, user;
  for (int i = 0; i < 200; ++i) {
    kernel.push_back(std::string(i % 2 ? "BUG: " : "Oops: ") + "kernel n=" + std::to_string(i));
    user.push_back("BUG: user n=" + std::to_string(i));
  }
  write_capture(dir + "/kernel", kernel, 1, 4);
  write_capture(dir + "/user", user, 201, 12);
  write_file(dir + "/capture", read_file(dir + "/kernel") + read_file(dir + "/user"));
  auto r = run_command(kKlogd + " -d -p --kmsg " + dir + "/capture --modules " + dir +
                       "/root/proc/modules --kallsyms " + dir + "/root/proc/kallsyms -f " + dir +
                       "/out 2>&1");
  CHECK(r.status == 0);
  size_t reloads = 0;
  for (size_t at = 0; (at = r.output.find("-p: an oops begins", at)) != std::string::npos; ++at)
    ++reloads;
  CHECK(reloads >= 1);
  CHECK(reloads <= 5);  // at most once a second, for a replay of a few seconds at most
  size_t delivered = 0;
  for (const auto& l : lines_of(read_file(dir + "/out")))
    delivered +=
        l.find(" n=") != std::string::npos && l.find("klogd: incident") == std::string::npos;
  CHECK(delivered == 400);
}

TEST_CASE("options: klogd.conf and klogd(8) name every option of --help, and its defaults parse",
          "[daemon][options]") {
  std::string conf = read_file(KLOGD_SOURCE_DIR "/config/klogd.conf");
  std::string man = read_file(KLOGD_SOURCE_DIR "/daemon/klogd.8");
  REQUIRE(!conf.empty());
  REQUIRE(!man.empty());
  auto help = run_command(kKlogd + " --help");
  std::string missing, missing_in_man;
  std::set<std::string> in_help;
  for (const auto& l : lines_of(help.output)) {
    size_t at = l.find("--");
    if (at == std::string::npos || l.find_first_not_of(" -[a-z]", 0) < at || l.size() < 3 ||
        l[0] != ' ')
      continue;
    std::string name = l.substr(at + 2, l.find_first_of(" ]", at) - at - 2);
    in_help.insert(name);
    // the man page spells "--name" as "\-\-name" (troff), each dash escaped
    std::string troff = "\\-\\-";
    for (char c : name) troff += c == '-' ? std::string("\\-") : std::string(1, c);
    if (man.find(troff + " ") == std::string::npos && man.find(troff + "\n") == std::string::npos)
      missing_in_man += " " + name;
    for (const char* command : {"help", "version", "config", "check-map", "decode", "json",
                                "incidents", "hand-over-pstore"})
      if (name == command) name.clear();
    if (!name.empty() && conf.find("\n#" + name + " =") == std::string::npos) missing += " " + name;
  }
  CHECK(missing == "");
  CHECK(missing_in_man == "");
  // and the man page names no option that --help does not have
  std::string stale;
  for (size_t at = man.find(".BI \\-\\-"); at != std::string::npos;
       at = man.find(".BI \\-\\-", at + 1)) {
    size_t b = at + 8, e = man.find_first_of(" \n", b);
    std::string name = man.substr(b, e - b);
    std::string plain;
    for (size_t i = 0; i < name.size(); ++i)
      if (name[i] != '\\') plain += name[i];
    if (!in_help.count(plain)) stale += " " + plain;
  }
  CHECK(stale == "");
  // every commented default, uncommented, is a valid config (forward left out: it connects)
  std::string dir = temp_dir(), active;
  for (const auto& l : lines_of(conf))
    if (l.size() > 1 && l[0] == '#' && l.find(" = ") != std::string::npos &&
        l.find(" = ") + 3 < l.size() && l.rfind("#forward =", 0) != 0 &&
        l.find_first_of(" ") == l.find(" = "))
      active += l.substr(1) + "\n";
  write_file(dir + "/klogd.conf", active);
  INFO(active);
  auto r = run_command(kKlogd + " --config " + dir + "/klogd.conf --check-map");
  INFO(r.output);
  CHECK(r.status != 2);
  CHECK(r.output.find("map") != std::string::npos);
}

TEST_CASE("daemon life: without CAP_SYSLOG, klogd says what is missing", "[daemon][life]") {
  std::string nobody = "setpriv --reuid=65534 --regid=65534 --clear-groups ";
  auto r = run_command(nobody + kKlogd + " --check-map");
  INFO(r.output);
  CHECK(r.status == 1);
  CHECK(r.output.find("slide: unknown (no map to slide)") != std::string::npos);
  if (read_file("/proc/sys/kernel/kptr_restrict") != "2\n")
    CHECK(r.output.find("real addresses need CAP_SYSLOG, which this process lacks") !=
          std::string::npos);
  if (read_file("/proc/sys/kernel/dmesg_restrict") == "1\n") {
    r = run_command(nobody + kKlogd + " -o -n -f /dev/null");
    INFO(r.output);
    CHECK(r.status == 1);
    CHECK(r.output.find("/dev/kmsg: Operation not permitted (kernel.dmesg_restrict is 1 and this "
                        "process lacks CAP_SYSLOG") != std::string::npos);
  }
}

TEST_CASE("daemon life: -i with a stale pid file signals nobody", "[daemon][life]") {
  // A pid file that no klogd holds, naming a live process that is not klogd (its pid reused):
  // SIGUSR1 would kill it.
  std::string dir = temp_dir();
  Child innocent("sleep 30");
  write_file(dir + "/pid", std::to_string(innocent.pid()) + "\n");
  auto r = run_command(kKlogd + " -i --pid-file " + dir + "/pid");
  INFO(r.output);
  CHECK(r.status == 1);
  CHECK(r.output.find("not locked by one (a stale pid file naming pid " +
                      std::to_string(innocent.pid()) + ")") != std::string::npos);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CHECK(::kill(innocent.pid(), 0) == 0);  // alive
  CHECK(::waitpid(innocent.pid(), nullptr, WNOHANG) == 0);
  // the running klogd's own pid file works
  Child klogd(kKlogd + " -n --start end -f /dev/null --state-file none --pid-file " + dir +
              "/live.pid 2>" + dir + "/err");
  REQUIRE(wait_for(dir + "/err", "output: file"));
  r = run_command(kKlogd + " -i --pid-file " + dir + "/live.pid");
  CHECK(r.status == 0);
  CHECK(wait_for(dir + "/err", "reload: modules reloaded"));
}

TEST_CASE("daemon life: -o into a full disk exits 1 and says how many were not delivered",
          "[daemon][life]") {
  std::string tag = unique_tag("full");
  REQUIRE(inject_kmsg("<6>" + tag + "\n"));
  auto r = run_command(kKlogd + " -o -n -f /dev/full");
  INFO(r.output);
  CHECK(r.status == 1);
  CHECK(r.output.find("file /dev/full: ") != std::string::npos);
  CHECK(r.output.find(" records could not be delivered before exit") != std::string::npos);
}

TEST_CASE("options: --source proc reads /proc/kmsg to its end", "[daemon][options]") {
  std::string tag = unique_tag("procsrc");
  REQUIRE(inject_kmsg("<5>" + tag + " from proc\n"));
  auto r = run_command(kKlogd + " --source proc -o -n -f - 2>/dev/null");
  CHECK(r.status == 0);
  CHECK(r.output.find("] " + tag + " from proc\n") != std::string::npos);
}

TEST_CASE("daemon life: --user is handed only the folders and files klogd makes itself",
          "[daemon][life][user]") {
  std::string dir = temp_dir();
  ::chmod(dir.c_str(), 0755);
  // A folder that is not klogd's, with a file of root's in it: the state file goes there.
  std::string area = dir + "/area";
  REQUIRE(::mkdir(area.c_str(), 0755) == 0);
  write_file(area + "/precious", "root's\n");
  auto owner = [](const std::string& p) {
    struct stat st {};
    return ::lstat(p.c_str(), &st) == 0 ? static_cast<long>(st.st_uid) : -1L;
  };
  std::string common = " -n --start oldest --user nobody -f " + dir + "/out --pid-file " + dir +
                       "/pid --forward tcp://127.0.0.1:9 --forward-queue-dir " + area + "/queues";
  {
    Child pid(kKlogd + common + " --state-file " + area + "/seq 2>" + dir + "/err");
    REQUIRE(wait_for(dir + "/err", "running as nobody"));
    std::string tag = unique_tag("userown");
    REQUIRE(inject_kmsg("<6>" + tag + "\n"));
    CHECK(wait_for(dir + "/out", tag));
    CHECK(wait_until([&] { return !read_file(area + "/seq").empty(); }));
    CHECK(pid.stop() == 0);
  }
  CHECK(owner(area) == 0);
  CHECK(owner(area + "/precious") == 0);
  CHECK(owner(area + "/seq") == 0);     // opened before the drop and kept open: stays root's
  CHECK(owner(area + "/queues") == 0);  // made by klogd, but only the target's folder is written
  CHECK(owner(area + "/queues/tcp-127.0.0.1-9") == 65534);
  CHECK(owner(dir + "/out") == 65534);  // made by klogd: SIGHUP reopens it as nobody

  // A queue folder that exists and is not nobody's is refused with what klogd needs.
  std::string queues2 = area + "/queues2";
  REQUIRE(::mkdir(queues2.c_str(), 0755) == 0);
  REQUIRE(::mkdir((queues2 + "/tcp-127.0.0.1-9").c_str(), 0755) == 0);
  auto refused = run_command(kKlogd + " -n --start end --user nobody -f " + dir +
                             "/out2 --state-file none --pid-file " + dir +
                             "/pid2 --forward tcp://127.0.0.1:9 --forward-queue-dir " + queues2);
  CHECK(refused.status == 1);
  CHECK(refused.output.find("hands over only folders it makes itself") != std::string::npos);
  CHECK(owner(queues2 + "/tcp-127.0.0.1-9") == 0);

  // A state file that is a symbolic link is not followed as root.
  REQUIRE(::symlink((area + "/precious").c_str(), (dir + "/link").c_str()) == 0);
  {
    Child linked(kKlogd + " -n --user nobody -f /dev/null --state-file " + dir +
                 "/link --pid-file " + dir + "/pid3 2>" + dir + "/err3");
    CHECK(wait_for(dir + "/err3", "link: not a regular file: restart continuity off"));
  }
  CHECK(read_file(area + "/precious") == "root's\n");
  CHECK(owner(area + "/precious") == 0);
}

TEST_CASE("daemon life: a full disk is told once when it fills and once when it has room again",
          "[daemon][life]") {
  std::string dir = temp_dir();
  std::string fs = dir + "/fs";
  ::mkdir(fs.c_str(), 0755);
  if (run_command("mount -t tmpfs -o size=16m klogd-test " + fs).status != 0)
    skip_test("cannot mount a small tmpfs here (no CAP_SYS_ADMIN)");
  run_command("dd if=/dev/zero of=" + fs + "/fill bs=64k");  // full
  std::string tag = unique_tag("full");
  {
    Child pid(kKlogd + " -n --start oldest --state-file " + fs + "/seq --pid-file " + dir +
              "/pid -f " + fs + "/out 2>" + dir + "/err");
    REQUIRE(wait_for(dir + "/err", "output: file"));
    for (int i = 0; i < 10; ++i) {  // 2 s of records, each batch failing to be saved
      REQUIRE(inject_kmsg("<6>" + tag + " n=" + std::to_string(i) + "\n"));
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    ::unlink((fs + "/fill").c_str());
    CHECK(wait_for(dir + "/err", "is back: queue drained"));
    CHECK(wait_for(dir + "/err", "the restart position is saved again ("));
    CHECK(wait_for(fs + "/out", tag + " n=9"));
    CHECK(pid.stop() == 0);
  }
  run_command("umount " + fs);
  std::string err = read_file(dir + "/err");
  INFO(err);
  auto count = [&](const std::string& what) {
    size_t n = 0;
    for (size_t at = 0; (at = err.find(what, at)) != std::string::npos; ++at) ++n;
    return n;
  };
  CHECK(count("saving the kmsg position: No space left on device") == 1);
  CHECK(count(fs + "/out unavailable") == 1);
  CHECK(count("is back: queue drained") == 1);
}

TEST_CASE(
    "options: a bad --forward URL, --hostname, --sd-id or --debuginfo is a usage error (exit 2)",
    "[daemon][options]") {
  std::string dir = temp_dir();
  for (const std::string& bad :
       {std::string("--forward 'tcp://bad host:514'"), std::string("--forward tcp://"),
        std::string("--forward ftp://127.0.0.1"), std::string("--forward tcp://127.0.0.1:99999"),
        std::string("--forward 'tcp://a/b'"),
        std::string("--forward tcp://127.0.0.1:9 --forward tcp://127.0.0.1:9"),
        std::string("--hostname 'two words'"), std::string("--hostname 'caf\xc3\xa9'"),
        std::string("--sd-id 'kmsg@32473 x'"), std::string("--sd-id 'a]b@1'"),
        std::string("--sd-id 'a\"b@1'"), std::string("--sd-id '") + std::string(40, 'a') + "'",
        std::string("--debuginfo none --debuginfo /boot"),
        std::string("--source-lines --debuginfo none")}) {
    INFO(bad);
    // (an empty capture: were the option taken, klogd would end at once)
    auto r = run_command(kKlogd + " -n --kmsg /dev/null -f /dev/null --pid-file " + dir +
                         "/pid --forward-queue-dir " + dir + "/queues " + bad);
    CHECK(r.status == 2);
    CHECK(r.output.find("Try 'klogd --help'") != std::string::npos);
  }
  CHECK_FALSE(exists(dir + "/queues"));  // no queue folder made for a bad host
}

TEST_CASE("options: --forward on the command line replaces the config file's list",
          "[daemon][options]") {
  int port_conf = 0, port_cli = 0;
  int conf_fd = bind_loopback(SOCK_DGRAM, &port_conf);
  int cli_fd = bind_loopback(SOCK_DGRAM, &port_cli);
  std::string dir = temp_dir();
  write_file(dir + "/klogd.conf", "forward = udp://127.0.0.1:" + std::to_string(port_conf) +
                                      "\nforward = udp://127.0.0.1:" + std::to_string(port_cli) +
                                      "\n");
  std::string tag = unique_tag("fwdconf");
  write_capture(dir + "/capture", {tag});
  std::string common = kKlogd + " -n --config " + dir + "/klogd.conf --kmsg " + dir +
                       "/capture -f /dev/null --forward-queue-dir " + dir + "/queues";
  // the same target in both: one list (the command line's), one target, no refusal
  auto r = run_command(common + " --forward udp://127.0.0.1:" + std::to_string(port_cli));
  INFO(r.output);
  CHECK(r.status == 0);
  char buf[4096];
  ssize_t n = -1;
  CHECK(wait_until([&] { return (n = ::recv(cli_fd, buf, sizeof buf, MSG_DONTWAIT)) > 0; }, 3000));
  CHECK(std::string(buf, n > 0 ? static_cast<size_t>(n) : 0).find(tag) != std::string::npos);
  CHECK(::recv(conf_fd, buf, sizeof buf, MSG_DONTWAIT) < 0);  // the file's list was replaced
  // without --forward on the command line, the file's list is used, both targets
  r = run_command(common);
  CHECK(r.status == 0);
  CHECK(wait_until([&] { return ::recv(conf_fd, buf, sizeof buf, MSG_DONTWAIT) > 0; }, 3000));
  ::close(conf_fd);
  ::close(cli_fd);
}

TEST_CASE("daemon life: forking as --user, the pid file is removed at exit, after kill -9 too",
          "[daemon][life][user]") {
  std::string dir = temp_dir();
  ::chmod(dir.c_str(), 0755);  // root's: nobody cannot remove a file here
  for (int sig : {SIGTERM, SIGKILL}) {
    INFO("signal " << sig);
    auto r = run_command(kKlogd + " -x --start end --state-file none -f /dev/null --pid-file " +
                         dir + "/pid --user nobody");
    REQUIRE(r.status == 0);
    pid_t daemon = static_cast<pid_t>(std::stol(read_file(dir + "/pid")));
    REQUIRE(daemon > 0);
    ::kill(daemon, sig);
    CHECK(wait_until([&] { return !exists(dir + "/pid"); }));
  }
  // a pid file that another klogd has taken over meanwhile is left to it
  auto r = run_command(kKlogd + " -x --start end --state-file none -f /dev/null --pid-file " + dir +
                       "/pid --user nobody");
  REQUIRE(r.status == 0);
  pid_t first = static_cast<pid_t>(std::stol(read_file(dir + "/pid")));
  ::kill(first, SIGSTOP);
  write_file(dir + "/pid", "1\n");  // as if it named another process now
  ::kill(first, SIGKILL);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(exists(dir + "/pid"));
}

TEST_CASE("daemon life: the default configuration maps no optional library", "[daemon][life]") {
  // debug info (libdw, libdebuginfod and its libcurl), TLS (libssl), SHA-256 (libnettle) and
  // libsystemd are loaded when a feature first needs them (util/plugin.h, util/sha256.h); a
  // daemon that uses none maps none
  std::string dir = temp_dir();
  std::string tag = unique_tag("footprint");
  REQUIRE(inject_kmsg("<6>" + tag + "\n"));  // in the ring before klogd starts: read from the start
  Child klogd(kKlogd + " -n --state-file none --pstore none -f " + dir + "/out");
  REQUIRE(wait_for(dir + "/out", tag));
  std::string maps = read_file("/proc/" + std::to_string(klogd.pid()) + "/maps");
  REQUIRE(maps.find("libc.so") != std::string::npos);
  for (const char* lib : {"libdw", "libdebuginfod", "libcurl", "libssl", "libcrypto", "libnettle",
                          "libsystemd", "libklogd-"}) {
    INFO(lib);
    CHECK(maps.find(lib) == std::string::npos);
  }
  CHECK(klogd.stop() == 0);
}
