// --forward against a real collector: rsyslogd from apt with a private config on 127.0.0.1
// (imtcp, imudp, imtcp with the OpenSSL driver, imrelp), writing each raw message to a file;
// started here and stopped by PID. Certificates are made by openssl for each test.
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>

#include "test_servers.h"
#include "test_util.h"
#include "util/text.h"

using namespace klogd::test;

namespace {

const std::string kKlogd = KLOGD_BINARY;

/// How often "TAG n=I." occurs in `out` for each I < total; and whether the first occurrences
/// are in order.
std::vector<int> occurrences(const std::string& out, const std::string& tag, int total,
                             bool* in_order) {
  std::vector<int> count(static_cast<size_t>(total), 0);
  *in_order = true;
  int last = -1;
  for (const auto& l : lines_of(out)) {
    size_t at = l.find(tag + " n=");
    if (at == std::string::npos) continue;
    int i = std::stoi(l.substr(at + tag.size() + 3));
    if (i < 0 || i >= total) continue;
    if (count[static_cast<size_t>(i)]++ == 0) {
      if (i < last) *in_order = false;
      last = i;
    }
  }
  return count;
}

size_t seg_files(const std::string& dir) {
  size_t n = 0;
  std::error_code ec;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir, ec))
    n += e.path().extension() == ".seg";
  return n;
}

std::string klogd_cmd(const std::string& dir, const std::string& forward) {
  return kKlogd + " -n --start end --state-file none -f " + dir + "/local --forward " + forward +
         " --forward-queue-dir " + dir + "/queue --hostname testhost --pid-file " + dir +
         "/pid 2>>" + dir + "/err";
}

}  // namespace

TEST_CASE("forward: tcp to a real rsyslogd, octet counting and LF framing", "[forward]") {
  for (std::string framing : {"", "?framing=lf"}) {
    INFO(framing);
    Collector c("imtcp");
    c.start();
    std::string dir = temp_dir();
    std::string tag = unique_tag("fwd-tcp");
    std::string name;
    uint64_t addr = a_real_text_address(&name);
    Child klogd(klogd_cmd(dir, "tcp://127.0.0.1:" + std::to_string(c.port) + framing));
    REQUIRE(wait_for(dir + "/err", "connected"));
    auto before = std::chrono::system_clock::now();
    REQUIRE(inject_kmsg("<3>" + tag + " at [<" + hex16(addr + 4) + ">]\n"));
    REQUIRE(wait_until([&] { return c.out().find(tag) != std::string::npos; }));
    klogd.stop();
    std::string line;
    for (const auto& l : lines_of(c.out()))
      if (l.find(tag) != std::string::npos) line = l;
    INFO(line);
    // PRI (user.err: userspace wrote it), version, timestamp, host, app, SD, MSG
    CHECK(line.rfind("<11>1 ", 0) == 0);
    std::string stamp = line.substr(6, line.find(' ', 6) - 6);  // 2026-11-27T20:52:17.111775+00:00
    REQUIRE(stamp.size() == 32);
    tm t{};
    REQUIRE(strptime(stamp.substr(0, 19).c_str(), "%Y-%m-%dT%H:%M:%S", &t));
    int off = (stamp[26] == '-' ? -1 : 1) *
              (std::stoi(stamp.substr(27, 2)) * 3600 + std::stoi(stamp.substr(30, 2)) * 60);
    time_t when = timegm(&t) - off;
    time_t injected = std::chrono::system_clock::to_time_t(before);
    CHECK(std::abs(static_cast<long>(when - injected)) <= 3);
    CHECK(line.find(" testhost kernel - - [kmsg@32473 seq=\"") != std::string::npos);
    CHECK(line.find(" boot=\"" + lines_of(read_file("/proc/sys/kernel/random/boot_id"))[0] +
                    "\"") != std::string::npos);
    CHECK(line.find("symbols=\"" + name + "+0x4/0x") != std::string::npos);
    CHECK(line.find("] \xef\xbb\xbf" + tag + " at [" + name + "+0x4/0x") != std::string::npos);
    // the local sink kept working beside it; nothing was written to files while it was up
    CHECK(read_file(dir + "/local").find(tag + " at [" + name + "+0x4/0x") != std::string::npos);
    CHECK(seg_files(dir + "/queue") == 0);
  }
}

TEST_CASE("forward: tcp to an IPv6 literal", "[forward]") {
  if (read_file("/proc/net/if_inet6").find("00000000000000000000000000000001") ==
      std::string::npos) {
    skip_test("no IPv6 loopback (::1) here");
  }
  Collector c("imtcp", nullptr, "::1");
  c.start();
  std::string dir = temp_dir();
  std::string tag = unique_tag("fwd-ipv6");
  Child klogd(klogd_cmd(dir, "tcp://[::1]:" + std::to_string(c.port)));
  REQUIRE(wait_for(dir + "/err", "forward tcp://[::1]:" + std::to_string(c.port) + ": connected"));
  REQUIRE(inject_kmsg("<6>" + tag + " over ipv6\n"));
  REQUIRE(wait_until([&] { return c.out().find(tag + " over ipv6") != std::string::npos; }));
  CHECK(klogd.stop() == 0);
  CHECK(std::filesystem::exists(dir + "/queue/tcp-__1-" + std::to_string(c.port)));
}

TEST_CASE("forward: udp to a real rsyslogd", "[forward]") {
  Collector c("imudp");
  c.start();
  std::string tag = unique_tag("fwd-udp");
  std::string dir = temp_dir();
  Child klogd(klogd_cmd(dir, "udp://127.0.0.1:" + std::to_string(c.port)));
  REQUIRE(wait_for(dir + "/err", "connected"));
  REQUIRE(inject_kmsg("<6>" + tag + " over udp\n"));
  REQUIRE(wait_until([&] { return c.out().find(tag + " over udp") != std::string::npos; }));
  CHECK(klogd.stop() == 0);
  CHECK(c.out().find("<14>1 ") != std::string::npos);
}

TEST_CASE("forward: collector down when klogd starts: queued to files, delivered in order",
          "[forward]") {
  Collector c("imtcp");
  std::string dir = temp_dir();
  std::string tag = unique_tag("fwd-late");
  Child klogd(klogd_cmd(dir, "tcp://127.0.0.1:" + std::to_string(c.port)));
  REQUIRE(wait_for(dir + "/err", "Connection refused: queueing records in " + dir +
                                     "/queue/tcp-127.0.0.1-" + std::to_string(c.port)));
  const int total = 50;
  for (int i = 0; i < total; ++i)
    REQUIRE(inject_kmsg("<6>" + tag + " n=" + std::to_string(i) + ".\n"));
  REQUIRE(wait_until(
      [&] { return read_file(dir + "/local").find(tag + " n=49.") != std::string::npos; }));
  CHECK(wait_until([&] { return seg_files(dir + "/queue") > 0; }));  // on disk, not only memory
  c.start();
  REQUIRE(wait_until([&] { return c.out().find(tag + " n=49.") != std::string::npos; }, 40000));
  REQUIRE(wait_for(dir + "/err", "connected, sending"));
  CHECK(klogd.stop() == 0);
  bool in_order = false;
  auto count = occurrences(c.out(), tag, total, &in_order);
  CHECK(in_order);
  CHECK(std::count(count.begin(), count.end(), 1) == total);
  CHECK(seg_files(dir + "/queue") == 0);  // delivered: the files are gone
}

TEST_CASE(
    "forward: kill -9 while the collector is down, then the restarted klogd sends it all once",
    "[forward]") {
  Collector c("imtcp");
  std::string dir = temp_dir();
  std::string tag = unique_tag("fwd-kill9");
  std::string url = "tcp://127.0.0.1:" + std::to_string(c.port);
  const int total = 60;
  {
    Child klogd(klogd_cmd(dir, url));
    REQUIRE(wait_for(dir + "/err", "queueing records"));
    for (int i = 0; i < total; ++i)
      REQUIRE(inject_kmsg("<6>" + tag + " n=" + std::to_string(i) + ".\n"));
    REQUIRE(wait_until(
        [&] { return read_file(dir + "/local").find(tag + " n=59.") != std::string::npos; }));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    klogd.stop(SIGKILL);
  }
  // a new klogd (reading from the end: the queue files are all it has of them)
  Child klogd(klogd_cmd(dir, url));
  REQUIRE(wait_for(dir + "/err", std::to_string(total) + " records waiting in " + dir + "/queue"));
  c.start();
  REQUIRE(wait_until([&] { return c.out().find(tag + " n=59.") != std::string::npos; }, 40000));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(klogd.stop() == 0);
  bool in_order = false;
  auto count = occurrences(c.out(), tag, total, &in_order);
  CHECK(in_order);
  CHECK(std::count(count.begin(), count.end(), 1) == total);  // each once
}

TEST_CASE("forward: with a tiny queue and the collector down, the drop count is exact",
          "[forward]") {
  Collector c("imtcp");
  std::string dir = temp_dir();
  std::string tag = unique_tag("fwd-drop");
  const int total = 100;
  Child klogd(klogd_cmd(dir, "tcp://127.0.0.1:" + std::to_string(c.port)) +
              " --forward-queue-max 4000");
  REQUIRE(wait_for(dir + "/err", "queueing records"));
  for (int i = 0; i < total; ++i)
    REQUIRE(inject_kmsg("<6>" + tag + " n=" + std::to_string(i) + ".\n"));
  REQUIRE(wait_until(
      [&] { return read_file(dir + "/local").find(tag + " n=99.") != std::string::npos; }));
  c.start();
  REQUIRE(wait_until([&] { return c.out().find(tag + " n=99.") != std::string::npos; }, 40000));
  CHECK(klogd.stop() == 0);
  std::string out = c.out();
  size_t at = out.find("klogd: dropped ");
  REQUIRE(at != std::string::npos);
  int dropped = std::stoi(out.substr(at + 15));
  CHECK(out.find("records for forward tcp://127.0.0.1:" + std::to_string(c.port) +
                 " while it was unavailable (queue full)") != std::string::npos);
  bool in_order = false;
  auto count = occurrences(out, tag, total, &in_order);
  int delivered = static_cast<int>(std::count(count.begin(), count.end(), 1));
  CHECK(dropped > 0);
  CHECK(dropped + delivered == total);
  CHECK(in_order);
  for (int i = total - delivered; i < total; ++i) CHECK(count[static_cast<size_t>(i)] == 1);
  CHECK(at < out.find(tag + " n=" + std::to_string(total - delivered) + "."));  // stated first
}

TEST_CASE("forward: tls to rsyslogd's OpenSSL driver, certificate checked", "[forward][tls]") {
  Certificates certs;
  Collector c("imtls", &certs);
  c.start();
  std::string tag = unique_tag("fwd-tls");
  std::string url = "tls://127.0.0.1:" + std::to_string(c.port);
  {
    std::string dir = temp_dir();
    Child klogd(klogd_cmd(dir, url) + " --tls-ca " + certs.dir + "/ca.pem");
    REQUIRE(wait_for(dir + "/err", "connected"));
    REQUIRE(inject_kmsg("<6>" + tag + " over tls\n"));
    REQUIRE(wait_until([&] { return c.out().find(tag + " over tls") != std::string::npos; }));
    CHECK(klogd.stop() == 0);
    CHECK(c.out().find("<14>1 ") != std::string::npos);
    // klogd ended its TLS session properly (close_notify, no reset): the collector logs no
    // error about it
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    std::string seen = c.out() + read_file(c.dir + "/rsyslogd.err");
    INFO(seen);
    CHECK(seen.find("unexpected eof") == std::string::npos);
    CHECK(seen.find("reset by peer") == std::string::npos);
    CHECK(seen.find("SSL_ERROR") == std::string::npos);
    // the certificate's DNS name, sent as SNI (--tls-name: no resolver needed, a bare chroot
    // may not resolve "localhost")
    std::string dir2 = temp_dir();
    Child by_name(klogd_cmd(dir2, url) + " --tls-ca " + certs.dir + "/ca.pem --tls-name localhost");
    REQUIRE(wait_for(dir2 + "/err", "forward " + url + ": connected"));
  }
  // the wrong CA: refused with a clear error, and nothing reaches the collector
  std::string bad = unique_tag("fwd-tls-wrong-ca");
  {
    std::string dir = temp_dir();
    Child klogd(klogd_cmd(dir, url) + " --tls-ca " + certs.dir + "/other.pem");
    REQUIRE(wait_for(dir + "/err", "TLS handshake failed: certificate verify failed"));
    REQUIRE(inject_kmsg("<6>" + bad + " must not leak\n"));
    REQUIRE(wait_until([&] { return seg_files(dir + "/queue") > 0; }));  // kept for later
    CHECK(klogd.stop() == 0);
    CHECK(read_file(dir + "/err").find("connected") == std::string::npos);
  }
  // the right CA but another name than the certificate's
  {
    std::string dir = temp_dir();
    Child klogd(klogd_cmd(dir, url) + " --tls-ca " + certs.dir +
                "/ca.pem --tls-name wrong.example");
    REQUIRE(wait_for(dir + "/err", "TLS handshake failed: certificate verify failed"));
    CHECK(wait_for(dir + "/err", "expected name wrong.example"));
    REQUIRE(inject_kmsg("<6>" + bad + " must not leak either\n"));
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    CHECK(klogd.stop() == 0);
  }
  CHECK(c.out().find(bad) == std::string::npos);
  // the collector saw the refused handshakes, not clear text
  CHECK(read_file(c.dir + "/rsyslogd.err").find(bad) == std::string::npos);
}

TEST_CASE("forward: relp, rsyslogd restarted mid-stream: every record once, in order",
          "[forward][relp]") {
  Collector c("imrelp");
  c.start();
  std::string dir = temp_dir();
  std::string tag = unique_tag("fwd-relp");
  Child klogd(klogd_cmd(dir, "relp://127.0.0.1:" + std::to_string(c.port)));
  REQUIRE(wait_for(dir + "/err", "connected"));
  const int total = 300;
  for (int i = 0; i < total; ++i) {
    REQUIRE(inject_kmsg("<6>" + tag + " n=" + std::to_string(i) + ".\n"));
    if (i == 100) c.stop();  // mid-stream, with records in flight
    if (i == 200) c.start();
  }
  REQUIRE(wait_until([&] { return c.out().find(tag + " n=299.") != std::string::npos; }, 60000));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(klogd.stop() == 0);
  bool in_order = false;
  auto count = occurrences(c.out(), tag, total, &in_order);
  CHECK(in_order);
  std::string missing, twice;
  for (int i = 0; i < total; ++i) {
    if (count[static_cast<size_t>(i)] == 0) missing += " " + std::to_string(i);
    if (count[static_cast<size_t>(i)] > 1) twice += " " + std::to_string(i);
  }
  CHECK(missing == "");
  CHECK(twice == "");
}

TEST_CASE(
    "forward: a collector that accepts but never reads stalls neither the local sink nor "
    "another target",
    "[forward]") {
  // The silent collector: a listening socket nobody accepts from; the kernel completes the
  // handshake and buffers until the window is full.
  int silent_port = 0;
  int lfd = listen_loopback(&silent_port, 4096, 1);
  Collector c("imtcp");
  c.start();
  std::string dir = temp_dir();
  std::string tag = unique_tag("fwd-silent");
  const int total = 8000;  // ~8 MB of messages: far more than the silent socket's buffers
  std::string pad(900, 'p');
  std::vector<std::string> texts;
  for (int i = 0; i < total; ++i) texts.push_back(tag + " n=" + std::to_string(i) + ". " + pad);
  write_capture(dir + "/capture", texts);  // replayed: nothing of this goes into /dev/kmsg
  auto r = run_command(kKlogd + " -n --kmsg " + dir + "/capture --state-file none -f " + dir +
                       "/local --forward tcp://127.0.0.1:" + std::to_string(silent_port) +
                       " --forward tcp://127.0.0.1:" + std::to_string(c.port) +
                       " --forward-queue-dir " + dir + "/queue --pid-file " + dir + "/pid");
  CHECK(r.status == 0);  // exits although one sender is blocked in send()
  REQUIRE(read_file(dir + "/local").find(tag + " n=7999.") != std::string::npos);
  REQUIRE(wait_until([&] { return c.out().find(tag + " n=7999.") != std::string::npos; }, 30000));
  bool in_order = false;
  auto count = occurrences(c.out(), tag, total, &in_order);
  CHECK(std::count(count.begin(), count.end(), 1) == total);
  // what the silent one never took is in its queue files for the next start
  CHECK(seg_files(dir + "/queue/tcp-127.0.0.1-" + std::to_string(silent_port)) > 0);
  CHECK(r.output.find(" records kept in " + dir + "/queue/tcp-127.0.0.1-" +
                      std::to_string(silent_port) + " for the next start") != std::string::npos);
  ::close(lfd);
}

TEST_CASE("forward: one-shot (-o) delivers to a collector before it exits", "[forward]") {
  Collector c("imtcp");
  c.start();
  std::string dir = temp_dir();
  std::string tag = unique_tag("fwd-oneshot");
  for (int i = 0; i < 30; ++i)
    REQUIRE(inject_kmsg("<6>" + tag + " n=" + std::to_string(i) + ".\n"));
  auto r = run_command(kKlogd + " -o --state-file none -f /dev/null --forward tcp://127.0.0.1:" +
                       std::to_string(c.port) + " --forward-queue-dir " + dir + "/queue 2>&1");
  CHECK(r.status == 0);
  REQUIRE(wait_until([&] { return c.out().find(tag + " n=29.") != std::string::npos; }));
  bool in_order = false;
  auto count = occurrences(c.out(), tag, 30, &in_order);
  CHECK(std::count(count.begin(), count.end(), 1) == 30);
  CHECK(seg_files(dir + "/queue") == 0);
}

TEST_CASE(
    "forward: a tcp collector reset mid-stream loses at most its receive buffer, and "
    "gets only what it had not acknowledged twice",
    "[forward]") {
  // The collector: reads slowly (so klogd's socket buffer fills), resets the connection after
  // `reset_after` records with unread data (RST), then reads the next connection to the end.
  int port = 0;
  int lfd = listen_loopback(&port, 64 << 10);  // what a reset can lose: acked, never read
  const int total = 20000, reset_after = 4000;
  std::string tag = unique_tag("fwd-reset");
  std::atomic<bool> done{false}, got_last{false};
  std::string received;  // what the collector read, both connections (its thread's until joined)
  int rcvbuf = 0;        // the first connection's receive buffer as the kernel made it
  std::thread collector([&] {
    std::vector<char> buf(4096);
    for (int conn = 0; conn < 2 && !done; ++conn) {
      pollfd p{lfd, POLLIN, 0};
      while (!done && ::poll(&p, 1, 100) == 0) {
      }
      if (done) break;
      int c = ::accept(lfd, nullptr, nullptr);
      if (conn == 0) {
        socklen_t len = sizeof rcvbuf;
        ::getsockopt(c, SOL_SOCKET, SO_RCVBUF, &rcvbuf, &len);
      }
      size_t seen = 0;
      ssize_t n;
      while (!done && (n = ::recv(c, buf.data(), buf.size(), MSG_DONTWAIT)) != 0) {
        if (n < 0) {
          if (errno != EAGAIN) break;
          std::this_thread::sleep_for(std::chrono::milliseconds(1));
          continue;
        }
        size_t before = received.size();
        received.append(buf.data(), static_cast<size_t>(n));
        for (size_t at = before; (at = received.find(tag + " n=", at)) != std::string::npos; ++at)
          ++seen;
        if (received.find(tag + " n=19999.", before > 64 ? before - 64 : 0) != std::string::npos)
          got_last = true;
        if (conn == 0) {
          if (seen >= static_cast<size_t>(reset_after)) {
            received.resize(received.rfind('\n') + 1);  // a line cut by the reset is not counted
            break;
          }
          std::this_thread::sleep_for(std::chrono::milliseconds(1));  // ~4 MB/s: slow
        }
      }
      if (conn == 0) {
        linger l{1, 0};
        ::setsockopt(c, SOL_SOCKET, SO_LINGER, &l, sizeof l);
      }
      ::close(c);
    }
  });
  // The records are replayed through a pipe (nothing of this goes into /dev/kmsg), which stays
  // open, so klogd runs on, as a daemon does, until the collector has had everything.
  std::string dir = temp_dir();
  REQUIRE(::mkfifo((dir + "/capture").c_str(), 0600) == 0);
  Child klogd(kKlogd + " -n --kmsg " + dir + "/capture --state-file none -f " + dir +
              "/local --forward tcp://127.0.0.1:" + std::to_string(port) +
              "?framing=lf --forward-queue-dir " + dir + "/queue --pid-file " + dir + "/pid 2>>" +
              dir + "/err");
  int feed = ::open((dir + "/capture").c_str(), O_WRONLY | O_CLOEXEC);
  REQUIRE(feed >= 0);
  std::thread writer([&] {
    std::string rec;
    for (int i = 0; i < total; ++i) {
      rec = "14," + std::to_string(i + 1) + "," + std::to_string(i * 10) + ",-;" + tag +
            " n=" + std::to_string(i) + ".\n";
      if (::write(feed, rec.data(), rec.size()) != static_cast<ssize_t>(rec.size())) break;
    }
  });
  bool arrived = wait_until(
      [&] { return read_file(dir + "/err").find("connected, sending") != std::string::npos; },
      30000);
  bool all = wait_until([&] { return got_last.load(); }, 60000);  // on the second connection
  done = true;
  collector.join();
  writer.join();
  ::close(feed);  // the end of the capture: klogd exits
  ::close(lfd);
  CHECK(klogd.stop(0) == 0);  // it exits by itself at the capture's end; reaped here
  REQUIRE(arrived);
  REQUIRE(all);
  bool in_order = false;
  auto count = occurrences(received, tag, total, &in_order);
  int lost = static_cast<int>(std::count(count.begin(), count.end(), 0));
  int twice =
      static_cast<int>(std::count_if(count.begin(), count.end(), [](int c) { return c > 1; }));
  std::string which;
  for (int i = 0; i < total; ++i)
    if (count[static_cast<size_t>(i)] != 1 && which.size() < 200) which += " " + std::to_string(i);
  INFO("lost " << lost << ", twice " << twice << ":" << which);
  // What it had received but not yet acknowledged when it reset (delayed ACKs; at most its
  // receive buffer, ~128 KiB of ~300-byte messages) is sent again: TCP cannot tell klogd.
  // 21-152 here; resending whole 256 KiB batches gave ~800.
  CHECK(twice <= 500);
  // At most the collector's receive buffer (64 KiB requested, the kernel doubles it: ~128 KiB),
  // counted in messages of the size these were (the host name is in each: a shorter one fits
  // more in the buffer); committing at send() instead lost klogd's socket buffer too (thousands
  // here).
  const size_t lines = static_cast<size_t>(std::count(received.begin(), received.end(), '\n'));
  REQUIRE(lines > 0);
  const double message = static_cast<double>(received.size()) / static_cast<double>(lines);
  const int buffer_holds = static_cast<int>(rcvbuf / message);
  INFO("receive buffer " << rcvbuf << " bytes, messages of " << message
                         << " bytes: " << buffer_holds << " of them");
  CHECK(rcvbuf > 0);
  CHECK(lost <= buffer_holds + buffer_holds / 10);
}

TEST_CASE("forward: klogd forking into the background forwards to a real collector", "[forward]") {
  // Without -n: the sender threads must start in the child, after the fork.
  Collector c("imtcp");
  c.start();
  std::string dir = temp_dir();
  std::string tag = unique_tag("fwd-fork");
  auto r = run_command(kKlogd + " --start end --state-file none -f " + dir +
                       "/local --forward tcp://127.0.0.1:" + std::to_string(c.port) +
                       " --forward-queue-dir " + dir + "/queue --pid-file " + dir + "/pid");
  REQUIRE(r.status == 0);  // the parent returns at once
  REQUIRE(wait_for(dir + "/pid", "\n"));
  pid_t child = static_cast<pid_t>(std::stol(read_file(dir + "/pid")));
  for (int i = 0; i < 20; ++i)
    REQUIRE(inject_kmsg("<6>" + tag + " n=" + std::to_string(i) + ".\n"));
  bool all = wait_until([&] { return c.out().find(tag + " n=19.") != std::string::npos; });
  auto started = std::chrono::steady_clock::now();
  ::kill(child, SIGTERM);
  for (int i = 0; i < 200 && ::kill(child, 0) == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  CHECK(::kill(child, 0) != 0);
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(3));  // no 5 s wait
  REQUIRE(all);
  bool in_order = false;
  auto count = occurrences(c.out(), tag, 20, &in_order);
  CHECK(std::count(count.begin(), count.end(), 1) == 20);
  CHECK(seg_files(dir + "/queue") == 0);
}

TEST_CASE(
    "forward: relp, klogd stopped and restarted during the collector's outage: each record "
    "once",
    "[forward][relp]") {
  Collector c("imrelp");
  c.start();
  std::string dir = temp_dir();
  std::string tag = unique_tag("fwd-relp-restart");
  std::string cmd = kKlogd + " -n -f " + dir + "/local --state-file " + dir +
                    "/state --forward relp://127.0.0.1:" + std::to_string(c.port) +
                    " --forward-queue-dir " + dir + "/queue --pid-file " + dir + "/pid 2>>" + dir +
                    "/err";
  Child klogd(cmd);
  REQUIRE(wait_for(dir + "/err", "connected"));
  const int total = 250;
  auto inject = [&](int from, int to) {
    for (int i = from; i < to; ++i)
      REQUIRE(inject_kmsg("<6>" + tag + " n=" + std::to_string(i) + ".\n"));
  };
  // The collector goes away mid-stream, with messages on their way to it (sent, not yet
  // acknowledged): those must not count as delivered.
  for (int i = 0; i < 200; ++i) {
    if (i == 100) c.stop();  // the outage
    inject(i, i + 1);
    std::this_thread::sleep_for(std::chrono::microseconds(500));
  }
  REQUIRE(wait_until(
      [&] { return read_file(dir + "/local").find(tag + " n=199.") != std::string::npos; }));
  CHECK(klogd.stop() == 0);  // stopped during the outage
  inject(200, 250);          // while klogd is down: in the kernel's ring only
  klogd.start(cmd);
  c.start();
  REQUIRE(wait_until([&] { return c.out().find(tag + " n=249.") != std::string::npos; }, 60000));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  CHECK(klogd.stop() == 0);
  bool in_order = false;
  auto count = occurrences(c.out(), tag, total, &in_order);
  std::string missing, twice;
  for (int i = 0; i < total; ++i) {
    if (count[static_cast<size_t>(i)] == 0) missing += " " + std::to_string(i);
    if (count[static_cast<size_t>(i)] > 1) twice += " " + std::to_string(i);
  }
  CHECK(missing == "");
  CHECK(twice == "");
  CHECK(in_order);
}

TEST_CASE("forward: as --user, a collector down while klogd stops, back after it restarts",
          "[forward][user]") {
  // As root with --user nobody: the queue and state folders are made for nobody before the
  // drop, so the spill at exit works; SIGHUP reopens a rotated file as nobody.
  Collector c("imtcp");
  std::string dir = temp_dir();
  ::chmod(dir.c_str(), 0777);
  std::string tag = unique_tag("fwd-user");
  std::string cmd = kKlogd + " -n --user nobody -f " + dir + "/out --state-file " + dir +
                    "/run/state --forward tcp://127.0.0.1:" + std::to_string(c.port) +
                    " --forward-queue-dir " + dir + "/queue --pid-file " + dir + "/pid 2>>" + dir +
                    "/err";
  Child klogd(cmd);
  REQUIRE(wait_for(dir + "/err", "running as nobody"));
  REQUIRE(wait_for(dir + "/err", "queueing records"));
  for (int i = 0; i < 30; ++i)
    REQUIRE(inject_kmsg("<6>" + tag + " n=" + std::to_string(i) + ".\n"));
  REQUIRE(wait_for(dir + "/out", tag + " n=29."));
  // logrotate: move the file, send HUP; the new file is made by nobody
  REQUIRE(::rename((dir + "/out").c_str(), (dir + "/out.1").c_str()) == 0);
  ::kill(klogd.pid(), SIGHUP);
  REQUIRE(wait_for(dir + "/err", "SIGHUP: file " + dir + "/out reopened"));
  for (int i = 30; i < 40; ++i)
    REQUIRE(inject_kmsg("<6>" + tag + " n=" + std::to_string(i) + ".\n"));
  REQUIRE(wait_for(dir + "/out", tag + " n=39."));
  CHECK(klogd.stop() == 0);  // the collector is still down
  std::string err = read_file(dir + "/err");
  CHECK(err.find("Permission denied") == std::string::npos);
  CHECK(err.find("records lost at exit") == std::string::npos);
  CHECK(err.find("records kept in " + dir + "/queue/") != std::string::npos);
  struct stat st {};  // the target's own folder, and its files, belong to nobody
  std::string qdir = dir + "/queue/tcp-127.0.0.1-" + std::to_string(c.port);
  REQUIRE(::stat(qdir.c_str(), &st) == 0);
  CHECK(st.st_uid == 65534);
  for (const auto& e : std::filesystem::directory_iterator(qdir)) {
    REQUIRE(::stat(e.path().c_str(), &st) == 0);
    CHECK(st.st_uid == 65534);
  }
  for (int i = 40; i < 50; ++i)  // while klogd is down
    REQUIRE(inject_kmsg("<6>" + tag + " n=" + std::to_string(i) + ".\n"));
  klogd.start(cmd);
  REQUIRE(wait_for(dir + "/err", "resuming at sequence number"));
  c.start();
  REQUIRE(wait_until([&] { return c.out().find(tag + " n=49.") != std::string::npos; }, 40000));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(klogd.stop() == 0);
  bool in_order = false;
  auto count = occurrences(c.out(), tag, 50, &in_order);
  CHECK(std::count(count.begin(), count.end(), 1) == 50);  // each exactly once
  CHECK(in_order);
}

TEST_CASE(
    "forward: kill -9 while frames wait unacknowledged in memory: the restart reads them "
    "again",
    "[forward][restart]") {
  // A collector whose kernel takes a few KiB and nothing more (never accepted, tiny buffer):
  // the rest of the frames wait in klogd's memory, not yet acknowledged, not yet on disk. The
  // restart point must not pass them.
  int silent_port = 0;
  int lfd = listen_loopback(&silent_port, 2048, 1);
  std::string dir = temp_dir();
  std::string tag = unique_tag("fwd-mem");
  const int total = 60;
  {
    Child klogd(kKlogd + " -n -f " + dir + "/local --state-file " + dir +
                "/state --forward tcp://127.0.0.1:" + std::to_string(silent_port) +
                " --forward-queue-dir " + dir + "/queue1 --pid-file " + dir + "/pid 2>>" + dir +
                "/err");
    REQUIRE(wait_for(dir + "/err", "connected"));
    std::string pad(200, 'p');
    for (int i = 0; i < total; ++i)
      REQUIRE(inject_kmsg("<6>" + tag + " n=" + std::to_string(i) + ". " + pad + "\n"));
    REQUIRE(wait_for(dir + "/local", tag + " n=59."));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    klogd.stop(SIGKILL);
  }
  ::close(lfd);
  Collector c("imtcp");
  c.start();
  Child klogd(kKlogd + " -n -f " + dir + "/local2 --state-file " + dir +
              "/state --forward tcp://127.0.0.1:" + std::to_string(c.port) +
              " --forward-queue-dir " + dir + "/queue2 --pid-file " + dir + "/pid 2>>" + dir +
              "/err");
  REQUIRE(wait_until([&] { return c.out().find(tag + " n=59.") != std::string::npos; }));
  CHECK(klogd.stop() == 0);
  bool in_order = false;
  auto count = occurrences(c.out(), tag, total, &in_order);
  int first = 0;
  while (first < total && count[static_cast<size_t>(first)] == 0) ++first;
  INFO("the restart began at " << first);
  CHECK(first < total - 5);  // what the silent collector's kernel did not take came again
  for (int i = first; i < total; ++i) CHECK(count[static_cast<size_t>(i)] == 1);
}

TEST_CASE("forward: an unreadable --tls-ca is refused at start-up", "[forward][tls]") {
  std::string dir = temp_dir();
  auto r = run_command(kKlogd +
                       " -n --state-file none -f /dev/null --forward tls://127.0.0.1:1"
                       " --tls-ca " +
                       dir + "/no-such-ca.pem --forward-queue-dir " + dir + "/queue --pid-file " +
                       dir + "/pid");
  INFO(r.output);
  CHECK(r.status == 1);
  CHECK(r.output.find("--tls-ca " + dir + "/no-such-ca.pem: ") != std::string::npos);
}

TEST_CASE(
    "forward: udp cuts a long message at 2048 bytes between characters and escapes, "
    "and says so",
    "[forward]") {
  int port = 0;
  int fd = bind_loopback(SOCK_DGRAM, &port);
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::string dir = temp_dir();
  std::vector<std::string> texts;
  for (int shift = 0; shift < 4; ++shift) {  // the cut falls on each byte of a character
    // the kernel escapes bytes >= 0x7f in /dev/kmsg: a capture holds "\xe2\x9c\x93"
    std::string t = "long " + std::string(static_cast<size_t>(shift), 'x');
    while (t.size() < 12000) t += "\\xe2\\x9c\\x93";  // 3,000 bytes once decoded
    texts.push_back(t);
  }
  for (int shift = 0; shift < 4; ++shift) {  // and on each byte of a \xNN escape klogd writes
    std::string t = "ctl " + std::string(static_cast<size_t>(shift), 'x');
    while (t.size() < 12000) t += "\\x01";  // a control byte, sent as \x01
    texts.push_back(t);
  }
  write_capture(dir + "/capture", texts);
  auto r = run_command(kKlogd + " -n --kmsg " + dir +
                       "/capture --state-file none -f /dev/null"
                       " --forward udp://127.0.0.1:" +
                       std::to_string(port) + " --forward-queue-dir " + dir + "/queue --pid-file " +
                       dir + "/pid");
  CHECK(r.status == 0);
  for (size_t i = 0; i < texts.size(); ++i) {
    char buf[4096];
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    REQUIRE(n > 0);
    std::string m(buf, static_cast<size_t>(n));
    INFO(m);
    CHECK(m.size() <= 2048);
    size_t mark = m.rfind(" [klogd: truncated ");
    REQUIRE(mark != std::string::npos);
    CHECK(mark >= 2048 - 64 - 3);
    CHECK(m.back() == ']');
    std::string kept = m.substr(0, mark);
    size_t slash = kept.rfind('\\');
    CHECK((slash == std::string::npos || slash + 4 <= kept.size()));  // no escape cut in two
    std::string safe;
    klogd::append_utf8_safe(kept, &safe);
    CHECK(safe.size() ==
          kept.size() + 3 * static_cast<size_t>(std::count(kept.begin(), kept.end(), '\\')));
  }
  ::close(fd);
}

TEST_CASE(
    "forward: syslog-ng parses every message, SD element and kernel time over tcp, tls "
    "and udp, and logs no error when klogd ends its session",
    "[forward][syslog-ng]") {
  if (!SyslogNg::available())
    skip_test("syslog-ng is not unpacked in .test-tools/ (packaging/setup.sh test does it)");
  Certificates certs;
  for (std::string transport : {"tcp", "tls", "udp"}) {
    INFO(transport);
    SyslogNg ng(transport, &certs);
    ng.start();
    std::string dir = temp_dir();
    std::string tag = unique_tag("sng-" + transport);
    // a backslash and a control byte: both escaped, and the escape can be undone
    write_capture(dir + "/capture", {tag + " a \\x5cx41 b \\x01 c", tag + " second"}, 41, 3);
    auto r = run_command(kKlogd + " -n --kmsg " + dir + "/capture -f /dev/null --forward " +
                         transport + "://127.0.0.1:" + std::to_string(ng.port) +
                         " --forward-queue-dir " + dir + "/queue --hostname testhost" +
                         (transport == "tls" ? " --tls-ca " + certs.dir + "/ca.pem" : ""));
    CHECK(r.status == 0);
    REQUIRE(wait_until([&] { return ng.out().find(tag + " second") != std::string::npos; }));
    std::string out = ng.out();
    INFO(out);
    CHECK(out.find("host=testhost prog=kernel pri=3 seq=41 mono=41000 boot=replay msg=" + tag +
                   " a \\x5cx41 b \\x01 c\n") != std::string::npos);
    CHECK(out.find("seq=42 mono=42000 boot=replay msg=" + tag + " second") != std::string::npos);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    std::string internal = ng.internal();
    INFO(internal);
    CHECK(internal.find("SSL error") == std::string::npos);
    CHECK(internal.find("reset by peer") == std::string::npos);
    CHECK(internal.find("Connection broken") == std::string::npos);
  }
}
