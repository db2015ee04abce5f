// Sinks against the real servers, started here and stopped by PID: rsyslogd with a private
// config on its own socket, and systemd-journald run by hand.
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "sinks/journal_sink.h"
#include "sinks/syslog_sink.h"
#include "test_servers.h"
#include "test_util.h"
#include "util/text.h"
#include "util/wall_clock.h"

using namespace klogd;
using namespace klogd::test;

namespace {

const std::string kKlogd = KLOGD_BINARY;

}  // namespace

TEST_CASE("syslog sink: rsyslogd gets facility, level, kernel timestamp and tag", "[sinks]") {
  Rsyslog rs(
      "%syslogfacility-text%|%syslogseverity-text%|%timestamp:::date-rfc3339%|%syslogtag%|%msg%");
  rs.start();
  // Through the daemon: a record userspace wrote keeps its facility (user), level warning.
  std::string tag = unique_tag("syslog");
  std::string name;
  uint64_t addr = a_real_text_address(&name);
  REQUIRE(addr);
  REQUIRE(inject_kmsg("<4>" + tag + " at [<" + hex16(addr) + ">]\n"));
  auto before = std::chrono::system_clock::now();
  auto r = run_command(kKlogd + " -o --sink syslog --syslog-socket " + rs.socket());
  CHECK(r.status == 0);
  REQUIRE(wait_until([&] { return rs.out().find(tag) != std::string::npos; }));
  std::string line;
  for (const auto& l : lines_of(rs.out()))
    if (l.find(tag) != std::string::npos) line = l;
  CHECK(line.rfind("user|warning|", 0) == 0);
  CHECK(line.find("|kernel:| " + tag + " at [" + name + "+0x0/0x") != std::string::npos);
  // the timestamp is the record's (written just before), not later than the forwarding
  time_t now = std::chrono::system_clock::to_time_t(before);
  tm t{};
  localtime_r(&now, &t);
  char prefix[32];
  std::strftime(prefix, sizeof prefix, "%Y-%m-%dT%H:%M", &t);
  CHECK(line.find(std::string("|") + prefix) != std::string::npos);

  // A kernel record (facility kern, level err, 1 s after boot) written by the sink itself.
  SyslogSinkOptions so;
  so.socket_path = rs.socket();
  SyslogSink sink(so);
  FinishedRecord k;
  k.record.facility = 0;
  k.record.level = 3;
  k.record.ts_usec = 1000000;
  k.text = tag + " kernel record";
  std::string err;
  REQUIRE(sink.write(k, &err));
  REQUIRE(wait_until([&] { return rs.out().find(tag + " kernel record") != std::string::npos; }));
  std::string want_time = rfc5424_time(boot_wall_usec() + 1000000).substr(0, 19);
  for (const auto& l : lines_of(rs.out()))
    if (l.find(tag + " kernel record") != std::string::npos)
      CHECK(l.rfind("kern|err|" + want_time, 0) == 0);
}

TEST_CASE("syslog sink: a record over 8192 bytes is cut between characters, and says so",
          "[sinks]") {
  // The datagrams as sent, read from a socket of our own (a server would repair them).
  std::string dir = temp_dir();
  int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", (dir + "/log").c_str());
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  SyslogSinkOptions so;
  so.socket_path = dir + "/log";
  SyslogSink sink(so);
  for (size_t shift = 0; shift < 3; ++shift) {  // the cut falls on each byte of a character
    FinishedRecord r;
    r.record.level = 6;
    r.text = "long " + std::string(shift, 'x');
    while (r.text.size() < 9000) r.text += "\xe2\x9c\x93";  // a 3-byte character
    std::string err;
    REQUIRE(sink.write(r, &err));
    char buf[16384];
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    REQUIRE(n > 0);
    std::string m(buf, static_cast<size_t>(n));
    CHECK(m.size() <= 8192);
    size_t at = m.find(" [klogd: truncated ");
    REQUIRE(at != std::string::npos);
    std::string kept = m.substr(0, at), safe;
    append_utf8_safe(kept, &safe);
    CHECK(safe == kept);  // valid UTF-8 to its last byte: no character cut in two
  }
  ::close(fd);
}

TEST_CASE("syslog sink: a forking klogd with neither journald nor /dev/log waits for one",
          "[sinks]") {
  // klogd started before syslogd (the classic boot order): in the background, auto must not
  // pick standard output (/dev/null there); the records wait until the socket appears.
  Rsyslog rs("%msg%");
  std::string dir = temp_dir();
  std::string tag = unique_tag("auto-wait");
  auto r = run_command(kKlogd + " --start end --state-file none --sink auto --syslog-socket " +
                       rs.socket() + " --journal-socket " + dir + "/no-journal --pid-file " + dir +
                       "/pid");
  REQUIRE(r.status == 0);  // the parent returns at once
  REQUIRE(wait_for(dir + "/pid", "\n"));
  pid_t child = static_cast<pid_t>(std::stol(read_file(dir + "/pid")));
  for (int i = 0; i < 20; ++i)
    REQUIRE(inject_kmsg("<6>" + tag + " n=" + std::to_string(i) + ".\n"));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  rs.start();
  bool all = wait_until([&] { return rs.out().find(tag + " n=19.") != std::string::npos; });
  ::kill(child, SIGTERM);
  for (int i = 0; i < 100 && ::kill(child, 0) == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  REQUIRE(all);
  for (int i = 0; i < 20; ++i)
    CHECK(rs.out().find(tag + " n=" + std::to_string(i) + ".") != std::string::npos);
}

TEST_CASE("syslog sink: RFC 5424 framing with structured data", "[sinks]") {
  Rsyslog rs("%app-name%|%procid%|%msgid%|%structured-data%|%msg%");
  rs.start();
  SyslogSinkOptions so;
  so.socket_path = rs.socket();
  so.rfc5424 = true;
  SyslogSink sink(so);
  FinishedRecord r;
  r.record.level = 6;
  r.record.seq = 4242;
  r.record.ts_usec = 5140900;
  r.record.dict = {{"SUBSYSTEM", "scsi"}, {"DEVICE", "+scsi:0:0:0:0"}};
  std::string tag = unique_tag("5424");
  r.text = tag + " [do_work+0x1a/0x80]";
  r.translated = true;
  r.symbols = "do_work+0x1a/0x80 a\"b]c";
  std::string err;
  REQUIRE(sink.write(r, &err));
  REQUIRE(wait_until([&] { return rs.out().find(tag) != std::string::npos; }));
  CHECK(rs.out().find("kernel|-|-|[kmsg@32473 seq=\"4242\" mono=\"5140900\" subsystem=\"scsi\" "
                      "device=\"+scsi:0:0:0:0\" symbols=\"do_work+0x1a/0x80 a\\\"b\\]c\"]|" +
                      tag + " [do_work+0x1a/0x80]") != std::string::npos);
}

TEST_CASE("syslog sink: down at start, queue limit, exact drop count", "[sinks]") {
  Rsyslog rs("%msg%");
  std::string dir = temp_dir();
  std::string tag = unique_tag("queue");
  Child pid(kKlogd + " -n --start end --state-file none --sink syslog --syslog-socket " +
            rs.socket() + " --queue-max 4000 --pid-file " + dir + "/pid 2>" + dir + "/err");
  REQUIRE(wait_until(
      [&] { return read_file(dir + "/err").find("output: syslog") != std::string::npos; }));
  const int total = 100;
  for (int i = 0; i < total; ++i)
    REQUIRE(inject_kmsg("<6>" + tag + " n=" + std::to_string(i) + ".\n"));
  REQUIRE(
      wait_until([&] { return read_file(dir + "/err").find("unavailable") != std::string::npos; }));
  rs.start();
  REQUIRE(wait_until([&] {
    return rs.out().find(tag + " n=" + std::to_string(total - 1) + ".") != std::string::npos;
  }));
  pid.stop();
  std::string out = rs.out();
  size_t at = out.find("klogd: dropped ");
  REQUIRE(at != std::string::npos);
  int dropped = std::stoi(out.substr(at + 15));
  int delivered = 0;
  for (int i = 0; i < total; ++i)
    delivered += out.find(tag + " n=" + std::to_string(i) + ".") != std::string::npos;
  CHECK(dropped > 0);
  CHECK(dropped + delivered == total);
  // the oldest were dropped: what arrived is the newest, in order
  for (int i = total - delivered; i < total; ++i)
    CHECK(out.find(tag + " n=" + std::to_string(i) + ".") != std::string::npos);
}

TEST_CASE("journald sink: every documented field reaches the journal", "[sinks][journald]") {
  if (!Journald::can_run()) {
    skip_test("no cgroup filesystem at /sys/fs/cgroup: systemd-journald cannot run here");
  }
  Journald jd;
  jd.start();
  // Direct: a kernel record with a dictionary and a translation.
  JournalSink sink;
  FinishedRecord r;
  r.record.facility = 0;
  r.record.level = 3;
  r.record.seq = 777;
  r.record.ts_usec = 5140900;
  r.record.dict = {{"SUBSYSTEM", "scsi"}, {"DEVICE", "+scsi:0:0:0:0"}};
  std::string tag = unique_tag("journal");
  r.text = tag + " [do_work+0x1a/0x80]";
  r.translated = true;
  r.original = tag + " [<ffffffff8100011a>]";
  r.symbols = "do_work+0x1a/0x80";
  std::string err;
  bool written = sink.write(r, &err);
  INFO(err);
  REQUIRE(written);
  std::vector<std::string> e;
  REQUIRE(wait_until([&] { return !(e = journal_entries(tag)).empty(); }));
  const std::string& j = e[0];
  for (std::string f :
       {"\"MESSAGE\":\"" + tag + " [do_work+0x1a/0x80]\"", std::string("\"PRIORITY\":\"3\""),
        std::string("\"SYSLOG_FACILITY\":\"0\""), std::string("\"SYSLOG_IDENTIFIER\":\"kernel\""),
        std::string("\"KERNEL_SEQNUM\":\"777\""),
        std::string("\"KERNEL_MONOTONIC_USEC\":\"5140900\""),
        std::string("\"KERNEL_SUBSYSTEM\":\"scsi\""),
        std::string("\"KERNEL_DEVICE\":\"+scsi:0:0:0:0\""),
        "\"KERNEL_ORIGINAL_MESSAGE\":\"" + tag + " [<ffffffff8100011a>]\"",
        std::string("\"KERNEL_SYMBOLS\":\"do_work+0x1a/0x80\""),
        std::string("\"KERNEL_REALTIME_USEC\":\"")})
    CHECK(j.find(f) != std::string::npos);
  // a kernel record has no source location in klogd: sd_journal_sendv adds none
  CHECK(j.find("\"CODE_FILE\"") == std::string::npos);
  CHECK(j.find("\"CODE_LINE\"") == std::string::npos);

  // Through the daemon: a live record with a real address.
  std::string tag2 = unique_tag("journal-live");
  std::string name;
  uint64_t addr = a_real_text_address(&name);
  REQUIRE(inject_kmsg("<4>" + tag2 + " [<" + hex16(addr + 2) + ">]\n"));
  auto res = run_command(kKlogd + " -o --sink journald");
  CHECK(res.status == 0);
  REQUIRE(wait_until([&] { return !(e = journal_entries(tag2)).empty(); }));
  CHECK(e[0].find("\"MESSAGE\":\"" + tag2 + " [" + name + "+0x2/0x") != std::string::npos);
  CHECK(e[0].find("\"KERNEL_ORIGINAL_MESSAGE\":\"" + tag2 + " [<" + hex16(addr + 2) + ">]\"") !=
        std::string::npos);
  CHECK(e[0].find("\"KERNEL_SYMBOLS\":\"" + name + "+0x2/0x") != std::string::npos);
  CHECK(e[0].find("\"SYSLOG_FACILITY\":\"1\"") != std::string::npos);  // userspace wrote it
  CHECK(e[0].find("\"CODE_FILE\"") == std::string::npos);
}

TEST_CASE("journald sink: journald killed mid-stream and restarted: every record once, in order",
          "[sinks][journald]") {
  if (!Journald::can_run()) {
    skip_test("no cgroup filesystem at /sys/fs/cgroup: systemd-journald cannot run here");
  }
  Journald jd;
  jd.start();
  std::string dir = temp_dir();
  std::string tag = unique_tag("jd-restart");
  Child pid(kKlogd + " -n --start end --state-file none --sink journald --pid-file " + dir +
            "/pid 2>" + dir + "/err");
  REQUIRE(wait_until(
      [&] { return read_file(dir + "/err").find("output: journald") != std::string::npos; }));
  const int total = 60;
  for (int i = 0; i < total; ++i) {
    if (i == 20) {
      // let journald take what it was sent, then kill it
      REQUIRE(wait_until([&] { return journal_entries(tag + " n=19.").size() == 1; }));
      jd.kill9();
    }
    if (i == 40) jd.start();
    REQUIRE(inject_kmsg("<6>" + tag + " n=" + std::to_string(i) + ".\n"));
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  REQUIRE(wait_until(
      [&] { return journal_entries(tag + " n=" + std::to_string(total - 1) + ".").size() == 1; }));
  pid.stop();
  auto e = journal_entries(tag);
  int next = 0;
  for (const auto& j : e) {
    if (j.find("klogd: dropped") != std::string::npos) continue;
    INFO(j);
    CHECK(j.find(tag + " n=" + std::to_string(next) + ".") != std::string::npos);
    ++next;
  }
  CHECK(next == total);
  CHECK(read_file(dir + "/err").find("journald is back: queue drained") != std::string::npos);
}

TEST_CASE("journald sink: --journal-socket reaches a journald namespace, not the system journal",
          "[sinks][journald]") {
  if (!Journald::can_run()) {
    skip_test("no cgroup filesystem at /sys/fs/cgroup: systemd-journald cannot run here");
  }
  const std::string ns = "klogdt" + std::to_string(::getpid());
  const std::string socket = "/run/systemd/journal." + ns + "/socket";
  Child jd("/lib/systemd/systemd-journald " + ns);
  REQUIRE(wait_until([&] { return exists(socket); }));
  auto entries = [&](const std::string& tag) {
    auto r = run_command("journalctl --namespace=" + ns + " --all --no-pager -o json");
    std::vector<std::string> out;
    for (const auto& l : lines_of(r.output))
      if (l.find(tag) != std::string::npos) out.push_back(l);
    return out;
  };
  std::string dir = temp_dir();
  std::string tag = unique_tag("jns");
  // A replayed capture with a gap: its records are not this boot's, the notice is klogd's own.
  write_capture(dir + "/capture", {tag + " first"}, 10);
  std::string more = read_file(dir + "/capture");
  write_capture(dir + "/capture2", {tag + " after the gap"}, 14);
  write_file(dir + "/capture", more + read_file(dir + "/capture2"));
  auto r = run_command(kKlogd + " -n --kmsg " + dir + "/capture --sink journald --journal-socket " +
                       socket + " --state-file none --pid-file " + dir + "/pid");
  CHECK(r.status == 0);
  std::vector<std::string> e;
  REQUIRE(wait_until([&] { return (e = entries(tag)).size() == 2; }));
  CHECK(e[0].find("\"KERNEL_SEQNUM\":\"10\"") != std::string::npos);
  CHECK(e[0].find("\"KLOGD_BOOT\":\"replay\"") != std::string::npos);
  CHECK(e[0].find("\"KERNEL_REALTIME_USEC\"") == std::string::npos);
  std::vector<std::string> missed;
  REQUIRE(
      wait_until([&] { return !(missed = entries("klogd: missed 3 kernel messages")).empty(); }));
  INFO(missed[0]);
  CHECK(missed[0].find("\"KERNEL_SEQNUM\"") == std::string::npos);
  CHECK(missed[0].find("\"KLOGD_AFTER_SEQNUM\":\"10\"") != std::string::npos);
  CHECK(missed[0].find("\"KLOGD_NOTICE\":\"1\"") != std::string::npos);
  CHECK(journal_entries(tag).empty());  // the system journal got none of it

  // An entry larger than a datagram goes as a memfd.
  JournalSink sink(socket);
  FinishedRecord big;
  big.record.level = 6;
  std::string tag2 = unique_tag("jns-big");
  big.text = tag2 + std::string(1 << 20, 'b');
  std::string err;
  REQUIRE(sink.write(big, &err));
  REQUIRE(wait_until([&] { return !entries(tag2).empty(); }));
  CHECK(entries(tag2)[0].size() > (1u << 20));
  jd.stop();
  run_command("rm -rf /var/log/journal/*." + ns + " /run/log/journal/*." + ns);
}
