// The metrics as a fleet sees them: the endpoint and the textfile checked by promtool, with a
// --forward collector (real rsyslogd); a real Prometheus server scraping klogd; klogd forking as
// --user; and hostile clients (a request that never ends, 1 MB of headers, a thousand
// connections) while records keep flowing.
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <regex>

#include "test_servers.h"
#include "test_util.h"

using namespace klogd::test;

namespace {

const std::string kKlogd = KLOGD_BINARY;

// The value of one sample in a scrape ("" when absent).
std::string sample(const std::string& text, const std::string& series) {
  for (const auto& l : lines_of(text))
    if (l.rfind(series + " ", 0) == 0) return l.substr(series.size() + 1);
  return "";
}

// The body of a response.
std::string body(const std::string& response) {
  size_t at = response.find("\r\n\r\n");
  return at == std::string::npos ? "" : response.substr(at + 4);
}

// promtool's verdict on exposition text: "" when it has nothing to say.
struct Verdict {
  int status;
  std::string output;
};
Verdict promtool(const std::string& text) {
  std::string f = temp_dir() + "/scrape.prom";
  write_file(f, text);
  auto r = run_command("promtool check metrics < " + f);
  return {r.status, r.output};
}

// Lines in klogd's -f output at level debug (<7> kernel, <15> user).
size_t debug_lines(const std::string& out) {
  size_t n = 0;
  for (const auto& l : lines_of(out)) n += l.rfind("<15>", 0) == 0 || l.rfind("<7>", 0) == 0;
  return n;
}

struct Daemon {
  std::string dir = temp_dir();
  int port = free_port();
  Child pid;
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port) + "/metrics"; }
  void start(const std::string& rest) {
    pid.start(kKlogd + " -n --start end --state-file none -x -f " + dir + "/out --pid-file " + dir +
              "/pid --metrics-listen 127.0.0.1:" + std::to_string(port) + " " + rest + " 2>>" +
              dir + "/err");
    REQUIRE(wait_until([&] { return http_get(port).find(" 200 OK") != std::string::npos; }));
  }
  std::string scrape() const { return body(http_get(port)); }
};

}  // namespace

TEST_CASE("metrics: the endpoint and the textfile pass promtool, with a forward target",
          "[metrics][forward]") {
  Collector c("imtcp");
  c.start();
  Daemon d;
  std::string prom = d.dir + "/klogd.prom";
  d.start("--metrics-file " + prom + " --metrics-interval 1 --forward tcp://127.0.0.1:" +
          std::to_string(c.port) + " --forward-queue-dir " + d.dir + "/queue");
  std::string tag = unique_tag("metrics");
  for (int i = 0; i < 20; ++i)
    REQUIRE(inject_kmsg("<15>" + tag + " n=" + std::to_string(i) + "\n"));
  REQUIRE(wait_for(d.dir + "/out", tag + " n=19"));
  REQUIRE(wait_until([&] { return c.out().find(tag + " n=19") != std::string::npos; }));
  const std::string target = "{target=\"tcp://127.0.0.1:" + std::to_string(c.port) + "\"}";
  std::string text;
  REQUIRE(wait_until([&] {
    text = d.scrape();
    return std::stoull("0" + sample(text, "klogd_forward_delivered_records_total" + target)) >= 20;
  }));
  INFO(text);
  Verdict v = promtool(text);
  CHECK(v.status == 0);
  CHECK(v.output == "");
  std::printf("scrape of %s:\n%s\npromtool check metrics: exit %d, \"%s\"\n", d.url().c_str(),
              text.c_str(), v.status, v.output.c_str());
  CHECK(std::stoull(sample(text, "klogd_records_total{level=\"debug\"}")) >=
        debug_lines(read_file(d.dir + "/out")) - 0);
  CHECK(sample(text, "klogd_forward_up" + target) == "1");
  CHECK(sample(text, "klogd_forward_dropped_records_total" + target) == "0");
  CHECK(sample(text, "klogd_forward_queued_bytes{target=\"tcp://127.0.0.1:" +
                         std::to_string(c.port) + "\",where=\"files\"}") == "0");
  CHECK(sample(text, "klogd_sink_up{sink=\"file " + d.dir + "/out\"}") == "1");
  CHECK(sample(text, "klogd_build_info{version=\"2.0.0\"}") == "1");
  CHECK(!sample(text, "process_resident_memory_bytes").empty());
  CHECK(!sample(text, "process_open_fds").empty());

  // the collector goes away: the target is down, records queue, then it reconnects
  c.stop();
  REQUIRE(inject_kmsg("<15>" + tag + " while down\n"));
  REQUIRE(wait_until([&] { return sample(d.scrape(), "klogd_forward_up" + target) == "0"; }));
  c.start();
  REQUIRE(wait_until(
      [&] {
        std::string t = d.scrape();
        return sample(t, "klogd_forward_up" + target) == "1" &&
               sample(t, "klogd_forward_reconnects_total" + target) == "1";
      },
      30000));

  // the textfile: the same families, without process_* (node_exporter has its own)
  std::string file;
  REQUIRE(wait_until([&] {
    file = read_file(prom);
    return file.find("klogd_forward_reconnects_total" + target + " 1") != std::string::npos;
  }));
  Verdict fv = promtool(file);
  CHECK(fv.status == 0);
  CHECK(fv.output == "");
  CHECK(file.find("klogd_records_total{level=\"debug\"}") != std::string::npos);
  CHECK(file.find("process_") == std::string::npos);
  // at exit, a last time: the final count
  CHECK(d.pid.stop() == 0);
  std::string last = read_file(prom);
  CHECK(std::stoull(sample(last, "klogd_records_total{level=\"debug\"}")) >=
        debug_lines(read_file(d.dir + "/out")));
  CHECK_FALSE(exists(prom + ".tmp"));
}

TEST_CASE("metrics: a real Prometheus scrapes klogd, its query API has the records",
          "[metrics][prometheus]") {
  if (run_command("command -v prometheus").status != 0)
    skip_test("prometheus is not installed (Debian's prometheus package)");
  Daemon d;
  d.start("");
  Prometheus p(d.port);
  p.start();
  std::string tag = unique_tag("prometheus");
  for (int i = 0; i < 25; ++i)
    REQUIRE(inject_kmsg("<15>" + tag + " n=" + std::to_string(i) + "\n"));
  REQUIRE(wait_for(d.dir + "/out", tag + " n=24"));
  // what klogd wrote is what Prometheus must have: every debug record it read
  const size_t expected = debug_lines(read_file(d.dir + "/out"));
  REQUIRE(expected >= 25);
  std::string up, records;
  bool got = wait_until(
      [&] {
        up = p.query("up{job=\"klogd\"}");
        records = p.query("klogd_records_total{job=\"klogd\",level=\"debug\"}");
        return up.find("=> 1 @") != std::string::npos &&
               records.find("=> " + std::to_string(expected) + " @") != std::string::npos;
      },
      30000);
  INFO(up << records << p.log());
  std::printf("Prometheus query API (promtool query instant):\n%s%s\n", up.c_str(),
              records.c_str());
  CHECK(got);
  CHECK(records.find("level=\"debug\"") != std::string::npos);
}

TEST_CASE("metrics: forking as --user, the endpoint answers and the file is written",
          "[metrics][life]") {
  std::string dir = temp_dir();
  ::chmod(dir.c_str(), 0777);
  int port = free_port();
  auto r = run_command(kKlogd + " --user nobody --start end --state-file none -x -f " + dir +
                       "/out --pid-file " + dir + "/pid --metrics-listen 127.0.0.1:" +
                       std::to_string(port) + " --metrics-file " + dir + "/klogd.prom");
  REQUIRE(r.status == 0);
  REQUIRE(wait_for(dir + "/pid", "\n"));
  pid_t pid = static_cast<pid_t>(std::stol(read_file(dir + "/pid")));
  std::string tag = unique_tag("metrics-user");
  REQUIRE(inject_kmsg("<15>" + tag + " one\n"));
  bool seen = wait_for(dir + "/out", tag + " one");
  std::string text = body(http_get(port));
  std::string status = read_file("/proc/" + std::to_string(pid) + "/status");
  ::kill(pid, SIGTERM);
  CHECK(wait_until([&] { return ::kill(pid, 0) != 0; }));
  REQUIRE(seen);
  INFO(text);
  CHECK(std::stoull("0" + sample(text, "klogd_records_total{level=\"debug\"}")) >= 1);
  CHECK(promtool(text).status == 0);
  CHECK(std::regex_search(status, std::regex("Uid:\\s+65534")));  // nobody
  CHECK(read_file(dir + "/klogd.prom").find("klogd_records_total") != std::string::npos);
}

TEST_CASE("metrics: slow and hostile clients are cut and counted, records keep flowing",
          "[metrics][slow]") {
  Daemon d;
  d.start("");
  rlimit lim{};
  ::getrlimit(RLIMIT_NOFILE, &lim);
  lim.rlim_cur = std::min<rlim_t>(lim.rlim_max, 4096);
  ::setrlimit(RLIMIT_NOFILE, &lim);
  std::string tag = unique_tag("slow");
  // 1. a request that never ends, and one that sends nothing at all
  int never = connect_loopback(d.port), silent = connect_loopback(d.port);
  REQUIRE(never >= 0);
  REQUIRE(silent >= 0);
  std::string partial = "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Slow: ";
  REQUIRE(::write(never, partial.data(), partial.size()) > 0);
  // 2. 1 MB of headers
  int big = connect_loopback(d.port);
  std::string huge = "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(1 << 20, 'a');
  for (size_t at = 0; at < huge.size();) {
    ssize_t n = ::send(big, huge.data() + at, huge.size() - at, MSG_NOSIGNAL);
    if (n <= 0) break;  // klogd closed it: over the limit
    at += static_cast<size_t>(n);
  }
  // cut at the header limit (8 KiB), whatever the socket buffers took
  char one;
  CHECK(wait_until(
      [&] {
        ssize_t n = ::recv(big, &one, 1, MSG_DONTWAIT);
        return n == 0 || (n < 0 && errno == ECONNRESET);
      },
      3000));
  ::close(big);
  // 3. a thousand connections at once, held open
  std::vector<int> many;
  for (int i = 0; i < 1000; ++i) {
    int fd = connect_loopback(d.port);
    if (fd >= 0) many.push_back(fd);
  }
  CHECK(many.size() >= 900);
  // meanwhile, records flow as ever
  for (int i = 0; i < 50; ++i)
    REQUIRE(inject_kmsg("<15>" + tag + " n=" + std::to_string(i) + "\n"));
  CHECK(wait_for(d.dir + "/out", tag + " n=49"));
  for (int fd : many) ::close(fd);
  // the silent and the unending requests are cut after the timeout (5 s)
  char c;
  CHECK(wait_until([&] { return ::recv(never, &c, 1, MSG_DONTWAIT) == 0; }, 10000));
  CHECK(wait_until([&] { return ::recv(silent, &c, 1, MSG_DONTWAIT) == 0; }, 10000));
  ::close(never);
  ::close(silent);
  std::string text;
  REQUIRE(wait_until([&] {
    text = d.scrape();
    return !text.empty();
  }));
  INFO(text);
  // the unending request is a slow client; the silent connection is only closed
  CHECK(std::stoull(sample(text, "klogd_metrics_refused_total{reason=\"timeout\"}")) == 1);
  CHECK(std::stoull(sample(text, "klogd_metrics_refused_total{reason=\"bad_request\"}")) >= 1);
  CHECK(std::stoull(sample(text, "klogd_metrics_refused_total{reason=\"busy\"}")) >= 100);
  CHECK(std::stoull(sample(text, "klogd_records_total{level=\"debug\"}")) >= 50);
  // other paths and methods
  CHECK(http_get(d.port, "/").find(" 404 ") != std::string::npos);
  CHECK(http_get(d.port, "/metrics", "POST").find(" 405 ") != std::string::npos);
  CHECK(d.pid.stop() == 0);
}

TEST_CASE("metrics: a keep-alive connection idle between scrapes is closed quietly, not counted",
          "[metrics][slow]") {
  Daemon d;
  d.start("");
  int fd = connect_loopback(d.port);
  REQUIRE(fd >= 0);
  // HTTP/1.1 keeps the connection alive; HEAD: the whole response is its header
  std::string req = "HEAD /metrics HTTP/1.1\r\nHost: x\r\n\r\n";
  auto scrape_on = [&] {
    REQUIRE(::write(fd, req.data(), req.size()) == static_cast<ssize_t>(req.size()));
    std::string got;
    char buf[65536];
    REQUIRE(wait_until([&] {
      ssize_t n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
      if (n > 0) got.append(buf, static_cast<size_t>(n));
      return got.find("\r\n\r\n") != std::string::npos;
    }));
    return got;
  };
  std::string first = scrape_on();
  CHECK(first.rfind("HTTP/1.1 200 OK", 0) == 0);
  // idle past the 5 s timeout, as Prometheus is between scrapes at a 10 s interval
  char c;
  CHECK(wait_until([&] { return ::recv(fd, &c, 1, MSG_DONTWAIT) == 0; }, 10000));
  ::close(fd);
  std::string text = d.scrape();
  INFO(text);
  CHECK(sample(text, "klogd_metrics_refused_total{reason=\"timeout\"}") == "0");
  CHECK(d.pid.stop() == 0);
}

TEST_CASE("metrics: a host name is a usage error, a port in use a start-up error", "[metrics]") {
  auto r = run_command(kKlogd + " -n -x --metrics-listen localhost:9468 -f /dev/null");
  CHECK(r.status == 2);
  CHECK(r.output.find("no host names") != std::string::npos);
  int port = 0;
  int fd = listen_loopback(&port);
  auto busy = run_command(kKlogd +
                          " -n -x --start end --state-file none -f /dev/null "
                          "--pid-file " +
                          temp_dir() + "/pid --metrics-listen 127.0.0.1:" + std::to_string(port));
  ::close(fd);
  INFO(busy.output);
  CHECK(busy.status == 1);
  CHECK(busy.output.find("Address already in use") != std::string::npos);
}
