// --hide-addresses in every output of klogd: a small kernel of our own (a map, kallsyms 0x1000000
// above it, two modules) and a replayed capture of kernel records holding kernel addresses in
// every form; each output must hold the names and no upper-half value, no slide, no original
// text. The leak check is written here from scratch, with nothing from lib/.
#include <signal.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <regex>

#include "test_servers.h"
#include "test_util.h"

using namespace klogd::test;

namespace {

const std::string kKlogd = KLOGD_BINARY;

bool hex_char(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// Every run of exactly 16 hex digits whose top bit is set: a kernel-space value, wherever it
// stands (inside brackets, after 0x or a colon, in JSON).
std::vector<std::string> upper_half_values(const std::string& text) {
  std::vector<std::string> found;
  for (size_t i = 0; i < text.size();) {
    if (!hex_char(text[i])) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < text.size() && hex_char(text[j])) ++j;
    if (j - i == 16 && std::string("89abcdefABCDEF").find(text[i]) != std::string::npos)
      found.push_back(text.substr(i, 16));
    i = j;
  }
  return found;
}

std::string hex(uint64_t v) {
  char b[32];
  std::snprintf(b, sizeof b, "%016llx", static_cast<unsigned long long>(v));
  return b;
}

// The kernel: map addresses from ffffffff81000000; kallsyms (the running kernel) 0x1000000
// higher, so the slide is 0x1000000; ext4 with symbols, nosyms known by its range only.
struct Kernel {
  std::string dir = temp_dir();
  std::string tag = unique_tag("hide");
  Kernel() {
    std::string map, kallsyms;
    auto both = [&](uint64_t a, char type, const std::string& name) {
      map += hex(a) + " " + type + " " + name + "\n";
      kallsyms += hex(a + 0x1000000) + " " + type + " " + name + "\n";
    };
    both(0xffffffff81000000, 'T', "_text");
    both(0xffffffff81000100, 'T', "do_work");
    both(0xffffffff81000180, 't', "helper");
    both(0xffffffff810001b0, 'T', "kthreadd");
    for (int i = 0; i < 200; ++i)
      both(0xffffffff81001000 + 0x100 * static_cast<uint64_t>(i), 'T', "fn_" + std::to_string(i));
    both(0xffffffff81100000, 'T', "_etext");
    map += "ffffffff8100zzzz T bad_line\n";  // skipped, counted
    kallsyms +=
        "ffffffffc0100000 t ext4_a\t[ext4]\n"
        "ffffffffc0100040 T ext4_b\t[ext4]\n";
    write_file(dir + "/System.map", map);
    write_file(dir + "/kallsyms", kallsyms);
    write_file(dir + "/modules",
               "ext4 16384 1 - Live 0xffffffffc0100000\n"
               "nosyms 4096 0 - Live 0xffffffffc0200000\n");
    // Kernel records (facility kern), as /dev/kmsg gives them.
    std::vector<std::string> texts = {
        tag +
            " n=1 trace [<ffffffff8200011a>] [<ffffffffc0100044>] [<ffffffffc0200010>] "
            "[<ffffffff80000001>]",
        tag + " n=2 at 0xffffffff8200011a and 0xffffffffc0200010",
        " ? 0xffffffff82000185",
        tag + " n=4 RAX: ffffffff8200011a RBX: ffff888003c8e000 RCX: 0000000000000000",
        tag + " n=5 BUG: unable to handle page fault for address: ffffffff8200011a",
        tag + " n=6 RIP: 0033:0x000000000047b7a0 RSP: 002b:00007ffd3c1e8a40",
        "Code: 48 89 e5 <0f> 0b 66 90",
        tag + " n=8 stack ffffc90000bcfd48 vmalloc ffffc90001234000 page:ffffea0000123400",
        "Kernel Offset: 0x1000000 from 0xffffffff81000000 (relocation range: "
        "0xffffffff80000000-0xffffffffbfffffff)",
    };
    std::string capture;
    int seq = 1;
    for (const std::string& t : texts) {
      capture += "4," + std::to_string(seq) + "," + std::to_string(seq * 1000) + ",-;" + t + "\n";
      ++seq;
    }
    // a dictionary value that is an address
    capture += "4," + std::to_string(seq) + ",20000,-;" + tag +
               " n=10 device\n"
               " DEVICE=+mem:ffff888003c8e000\n ADDR=ffff888003c8e000\n";
    write_file(dir + "/capture", capture);
    // the same log as dmesg saved it, for --decode
    std::string saved;
    for (size_t i = 0; i < texts.size(); ++i)
      saved += "[    " + std::to_string(i + 1) + ".000000] " + texts[i] + "\n";
    write_file(dir + "/saved.log", saved);
  }
  std::string files() const {
    return " -k " + dir + "/System.map --kallsyms " + dir + "/kallsyms --modules " + dir +
           "/modules";
  }
  /// klogd replaying the capture once, hiding, with register annotation.
  std::string replay(const std::string& rest) const {
    return kKlogd + " -n --hide-addresses true --kmsg " + dir + "/capture --state-file none" +
           files() + " --pid-file " + dir + "/pid " + rest;
  }
};

// What every output must show: the names, the values that are no kernel address, and none of
// the kernel's addresses or its slide.
void check_hidden(const std::string& what, const std::string& out, bool translated = true) {
  INFO(what << ":\n" << out);
  CHECK(upper_half_values(out).empty());
  CHECK(out.find("1000000 ") == std::string::npos);  // the slide, as "0x1000000 from"
  CHECK(out.find("16777216") == std::string::npos);  // or in decimal
  CHECK(out.find("RIP: 0033:0x000000000047b7a0 RSP: 002b:00007ffd3c1e8a40") != std::string::npos);
  CHECK(out.find("RCX: 0000000000000000") != std::string::npos);
  CHECK(out.find("Code: 48 89 e5 <0f> 0b 66 90") != std::string::npos);
  CHECK(out.find("Kernel Offset: (hidden) from ") != std::string::npos);
  if (!translated) return;
  CHECK(out.find("do_work+0x1a/0x80") != std::string::npos);
  CHECK(out.find("ext4_b+0x4/0x") != std::string::npos);
  CHECK(out.find("nosyms+0x10") != std::string::npos);
  CHECK(out.find("helper+0x") != std::string::npos);
  CHECK(out.find("RAX: do_work+0x1a/0x80") != std::string::npos);  // the register, named
}

}  // namespace

TEST_CASE("hide addresses: file (-f) with -2, and klogd's own diagnostics", "[hide]") {
  Kernel k;
  auto r = run_command(k.replay("-2 -f " + k.dir + "/out"));
  CHECK(r.status == 0);
  std::string out = read_file(k.dir + "/out");
  check_hidden("file", out);
  CHECK(out.find(" n=1 trace [do_work+0x1a/0x80] [ext4:ext4_b+0x4/0x") != std::string::npos);
  CHECK(out.find("ADDR=") == std::string::npos);  // the file has no dictionary
  // -2: no second, untranslated line
  CHECK(out.find("[<ffff") == std::string::npos);
  INFO(r.output);
  CHECK(upper_half_values(r.output).empty());
  CHECK(r.output.find("slide (hidden)") != std::string::npos);
  CHECK(r.output.find("0x1000000") == std::string::npos);

  // the same without hiding: the test can fail (the addresses are there to leak)
  auto plain = run_command(kKlogd + " -n -2 --kmsg " + k.dir + "/capture --state-file none" +
                           k.files() + " -f " + k.dir + "/plain");
  CHECK_FALSE(upper_half_values(read_file(k.dir + "/plain")).empty());
  CHECK(plain.output.find("slide 0x1000000") != std::string::npos);
}

TEST_CASE("hide addresses: stdout, and -x (nothing named, still hidden)", "[hide]") {
  Kernel k;
  auto r = run_command(k.replay("-f -"));
  CHECK(r.status == 0);
  check_hidden("stdout", r.output);
  auto x = run_command(k.replay("-x -f -"));
  CHECK(x.status == 0);
  check_hidden("stdout -x", x.output, false);
  CHECK(x.output.find(" n=1 trace [<(____ptrval____)>]") != std::string::npos);
}

TEST_CASE("hide addresses: syslog (rsyslogd on /dev/log's stand-in)", "[hide]") {
  Rsyslog rs("%msg%");
  rs.start();
  Kernel k;
  auto r = run_command(k.replay("--sink syslog --syslog-socket " + rs.socket()));
  CHECK(r.status == 0);
  REQUIRE(wait_until([&] { return rs.out().find(k.tag + " n=10") != std::string::npos; }));
  check_hidden("syslog", rs.out());
}

TEST_CASE("hide addresses: journald, no KERNEL_ORIGINAL_MESSAGE", "[hide][journald]") {
  if (!Journald::can_run())
    skip_test("no cgroup filesystem at /sys/fs/cgroup: systemd-journald cannot run here");
  Journald jd;
  jd.start();
  Kernel k;
  auto r = run_command(k.replay("--sink journald"));
  CHECK(r.status == 0);
  std::vector<std::string> tagged;
  REQUIRE(wait_until([&] { return (tagged = journal_entries(k.tag)).size() >= 7; }));
  // this klogd's entries, tagged or not (" ? 0x...", "Code: ..."): by its _PID (its _CMDLINE
  // may be missing: journald reads it from /proc after klogd is gone)
  std::string mine =
      run_command(
          "journalctl --no-pager -o json SYSLOG_IDENTIFIER=kernel _TRANSPORT=journal _PID=" +
          journal_pid(tagged[0]))
          .output;
  // journald's own cursor holds a hash ("x=f233b39434adf621"): not ours to check
  mine = std::regex_replace(mine, std::regex("\"__CURSOR\":\"[^\"]*\""), "");
  check_hidden("journald", mine);
  CHECK(mine.find("KERNEL_ORIGINAL_MESSAGE") == std::string::npos);
  CHECK(mine.find("\"KERNEL_SYMBOLS\":\"do_work+0x1a/0x80") != std::string::npos);
  CHECK(mine.find("\"KERNEL_ADDR\":\"(____ptrval____)\"") != std::string::npos);
}

TEST_CASE("hide addresses: --forward to rsyslogd, structured data too", "[hide][forward]") {
  Collector c("imtcp");
  c.start();
  Kernel k;
  auto r = run_command(k.replay("-f /dev/null --forward tcp://127.0.0.1:" + std::to_string(c.port) +
                                " --forward-queue-dir " + k.dir + "/queue"));
  CHECK(r.status == 0);
  REQUIRE(wait_until([&] { return c.out().find(k.tag + " n=10") != std::string::npos; }));
  check_hidden("forward", c.out());
  CHECK(c.out().find("symbols=\"do_work+0x1a/0x80") != std::string::npos);
  CHECK(c.out().find("device=\"+mem:(____ptrval____)\"") != std::string::npos);
}

TEST_CASE("hide addresses: --decode, text and JSON", "[hide][decode]") {
  Kernel k;
  std::string decode =
      kKlogd + " --hide-addresses true --decode " + k.dir + "/saved.log" + k.files();
  auto text = run_command(decode + " -2");  // stdout and the notes on stderr
  CHECK(text.status == 0);
  check_hidden("decode", text.output);
  CHECK(text.output.find("slide (hidden) from") != std::string::npos);
  auto json = run_command(decode + " --json");
  CHECK(json.status == 0);
  check_hidden("decode --json", json.output);
  CHECK(json.output.find("\"text\":") == std::string::npos);
  CHECK(json.output.find("\"address\":") == std::string::npos);
  CHECK(json.output.find("\"printed\":\"do_work+0x1a/0x80\"") != std::string::npos);
}

TEST_CASE("hide addresses: --check-map says slide: (hidden), a refusal names no address",
          "[hide]") {
  Kernel k;
  auto r = run_command(kKlogd + " --check-map --hide-addresses true" + k.files());
  INFO(r.output);
  CHECK(r.output.find("slide: (hidden) (kallsyms _text - map _text)") != std::string::npos);
  CHECK(r.output.find("taken: ") != std::string::npos);
  CHECK(upper_half_values(r.output).empty());
  // a map for another kernel: the disagreement is reported without its addresses
  std::string other = "ffffffff82000000 T _text\n";
  for (int i = 0; i < 200; ++i)
    other += hex(0xffffffff82002000 + 0x100 * static_cast<uint64_t>(i)) + " T other_" +
             std::to_string(i) + "\n";
  write_file(k.dir + "/other", other);
  auto refused = run_command(kKlogd + " --check-map --hide-addresses true -k " + k.dir +
                             "/System.map" + " --kallsyms " + k.dir + "/other");
  INFO(refused.output);
  CHECK(refused.status != 0);
  CHECK(refused.output.find("does not match the running kernel") != std::string::npos);
  CHECK(refused.output.find("(____ptrval____)") != std::string::npos);
  CHECK(upper_half_values(refused.output).empty());
}

TEST_CASE("hide addresses: forking, as --user, on the live kernel log", "[hide][life]") {
  // The real /dev/kmsg and /proc/kallsyms: records userspace writes with real addresses.
  std::string name;
  uint64_t addr = a_real_text_address(&name);
  REQUIRE(addr);
  std::string dir = temp_dir();
  std::string tag = unique_tag("hide-fork");
  auto r = run_command(kKlogd +
                       " --hide-addresses true --user nobody --start end --state-file none -f " +
                       dir + "/out --pid-file " + dir + "/pid");
  REQUIRE(r.status == 0);  // the parent returns once the child runs
  REQUIRE(wait_for(dir + "/pid", "\n"));
  pid_t pid = static_cast<pid_t>(std::stol(read_file(dir + "/pid")));
  REQUIRE(inject_kmsg("<4>" + tag + " at [<" + hex(addr + 1) + ">] rbx ffff888003c8e000\n"));
  REQUIRE(inject_kmsg("<4>" + tag + " end\n"));
  bool seen = wait_for(dir + "/out", tag + " end");
  ::kill(pid, SIGTERM);
  CHECK(wait_until([&] { return ::kill(pid, 0) != 0; }));
  REQUIRE(seen);
  std::string out = read_file(dir + "/out");
  INFO(out);
  CHECK(out.find(tag + " at [" + name + "+0x1/0x") != std::string::npos);
  CHECK(out.find("rbx (____ptrval____)") != std::string::npos);
  CHECK(upper_half_values(out).empty());
}
