// Module tables kept fresh in a running daemon: -i / -I (SIGUSR1 / SIGUSR2) and a kernel uevent
// make it reload /proc/modules and /proc/kallsyms (here: files shaped like them, named by
// --modules and --kallsyms),
// and a stale table is never used afterwards.
#include <linux/netlink.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "test_util.h"

using namespace klogd::test;

namespace {

const std::string kKlogd = KLOGD_BINARY;

void write_proc(const std::string& root, const std::string& modules, const std::string& kallsyms) {
  run_command("mkdir -p " + root + "/proc");
  write_file(root + "/proc/modules.tmp", modules);
  write_file(root + "/proc/kallsyms.tmp", kallsyms);
  ::rename((root + "/proc/modules.tmp").c_str(), (root + "/proc/modules").c_str());
  ::rename((root + "/proc/kallsyms.tmp").c_str(), (root + "/proc/kallsyms").c_str());
}

// The daemon's options that name those files instead of /proc's.
std::string proc_files(const std::string& root) {
  return " --modules " + root + "/proc/modules --kallsyms " + root + "/proc/kallsyms";
}

const char* kBefore[2] = {"crashme 16384 0 - Live 0xffffffffc84aa000 (OE)\n",
                          "ffffffffc84aa000 t crashme_raw\t[crashme]\n"
                          "ffffffffc84aa060 t crashme_write\t[crashme]\n"};
const char* kAfter[2] = {"other 8192 0 - Live 0xffffffffc84aa000\n",
                         "ffffffffc84aa000 t other_func\t[other]\n"};

void send_module_uevent(const std::string& name) {
  int s = ::socket(AF_NETLINK, SOCK_DGRAM, NETLINK_KOBJECT_UEVENT);
  REQUIRE(s >= 0);
  std::string msg = "add@/module/" + name + std::string(1, '\0') + "ACTION=add" +
                    std::string(1, '\0') + "DEVPATH=/module/" + name + std::string(1, '\0') +
                    "SUBSYSTEM=module" + std::string(1, '\0');
  sockaddr_nl to{};
  to.nl_family = AF_NETLINK;
  to.nl_groups = 1;
  REQUIRE(::sendto(s, msg.data(), msg.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to) > 0);
  ::close(s);
}

}  // namespace

TEST_CASE("module reload: -i, -I and a uevent replace a stale module table", "[daemon][modules]") {
  for (std::string trigger : {"-i", "-I", "uevent"}) {
    INFO(trigger);
    std::string root = temp_dir();
    write_proc(root, kBefore[0], kBefore[1]);
    std::string dir = temp_dir();
    // -d: a uevent's reload is said at debug level only (a boot loads dozens of modules)
    std::string cmd = kKlogd + " -n -d --start end -f " + dir + "/out --pid-file " + dir + "/pid" +
                      proc_files(root) + " 2>" + dir + "/err";
    Child pid(cmd);
    REQUIRE(wait_for(dir + "/err", "output: file"));
    std::string tag = unique_tag("reload");
    REQUIRE(inject_kmsg("<4>" + tag + " before [<ffffffffc84aa010>]\n"));
    CHECK(wait_for(dir + "/out", tag + " before [crashme:crashme_raw+0x10/0x60]"));

    // crashme unloaded, "other" loaded at the same address
    write_proc(root, kAfter[0], kAfter[1]);
    if (trigger == "uevent") {
      send_module_uevent("other");
      CHECK(wait_for(dir + "/err", "uevent: module other loaded"));
    } else {
      auto r = run_command(kKlogd + " " + trigger + " --pid-file " + dir + "/pid");
      CHECK(r.status == 0);
    }
    CHECK(wait_for(dir + "/err", trigger == "-I" ? "static map and modules reloaded"
                                                 : "reload: modules reloaded"));
    // a signal's reload is news (info), klogd's own after a uevent is not (debug)
    CHECK(read_file(dir + "/err")
              .find(trigger == "uevent" ? "debug: reload: modules reloaded" : "info: reload: ") !=
          std::string::npos);
    REQUIRE(inject_kmsg("<4>" + tag + " after [<ffffffffc84aa010>] [<ffffffffc84ac010>]\n"));
    // the new module's name; and past its end (inside old crashme) nothing at all
    CHECK(
        wait_for(dir + "/out", tag + " after [other:other_func+0x10/0x2000] [<ffffffffc84ac010>]"));
    CHECK(pid.stop() == 0);
  }
}

TEST_CASE("module reload: a lookup miss in module space reloads (at most once a second)",
          "[daemon][modules]") {
  std::string root = temp_dir();
  write_proc(root, kBefore[0], kBefore[1]);
  std::string dir = temp_dir();
  std::string cmd = kKlogd + " -n -d --start end -f " + dir + "/out --pid-file " + dir + "/pid" +
                    proc_files(root) + " 2>" + dir + "/err";
  Child pid(cmd);
  REQUIRE(wait_for(dir + "/err", "output: file"));
  // a module appears without any announcement
  write_proc(root, std::string(kBefore[0]) + "late 4096 0 - Live 0xffffffffc8600000\n",
             std::string(kBefore[1]) + "ffffffffc8600000 t late_func\t[late]\n");
  std::string tag = unique_tag("miss");
  REQUIRE(inject_kmsg("<4>" + tag + " first [<ffffffffc8600010>]\n"));
  CHECK(wait_for(dir + "/out", tag + " first [<ffffffffc8600010>]"));
  CHECK(wait_for(dir + "/err", "unresolved module address: reloading"));
  CHECK(wait_for(dir + "/err", "reload: modules reloaded"));
  REQUIRE(inject_kmsg("<4>" + tag + " second [<ffffffffc8600010>]\n"));
  CHECK(wait_for(dir + "/out", tag + " second [late:late_func+0x10/0x1000]"));
  pid.stop();
}

TEST_CASE("daemon: a second instance is refused", "[daemon]") {
  std::string root = temp_dir();
  write_proc(root, kBefore[0], kBefore[1]);
  std::string dir = temp_dir();
  std::string cmd = kKlogd + " -n --start end -f /dev/null --pid-file " + dir + "/pid" +
                    proc_files(root) + " 2>" + dir + "/err";
  Child pid(cmd);
  REQUIRE(wait_for(dir + "/err", "output:"));
  auto r = run_command(kKlogd + " -n -f /dev/null --pid-file " + dir + "/pid");
  CHECK(r.status == 1);
  CHECK(r.output.find("another klogd is running (pid " + std::to_string(pid.pid()) +
                      ", pid file") != std::string::npos);
  pid.stop();
}
