// The exposition format's escaping, --metrics-listen's address forms, and what render_metrics
// makes of the daemon's counters.
#include <catch2/catch.hpp>

#include "metrics/daemon_metrics.h"
#include "metrics/exposition.h"
#include "metrics/metrics_file.h"
#include "metrics/metrics_server.h"
#include "test_util.h"

using namespace klogd;
using namespace klogd::test;

TEST_CASE("metrics: exposition text escapes label values and HELP", "[metrics]") {
  Exposition e;
  e.family("klogd_x_total", MetricType::kCounter, "a \\ b\nc");
  e.sample(uint64_t{3}, {{"sink", "file \"/tmp/a\\b\"\nx"}});
  e.family("klogd_y", MetricType::kGauge, "y");
  e.sample(0.5);
  CHECK(e.text() ==
        "# HELP klogd_x_total a \\\\ b\\nc\n"
        "# TYPE klogd_x_total counter\n"
        "klogd_x_total{sink=\"file \\\"/tmp/a\\\\b\\\"\\nx\"} 3\n"
        "# HELP klogd_y y\n"
        "# TYPE klogd_y gauge\n"
        "klogd_y 0.5\n");
}

TEST_CASE("metrics: --metrics-listen takes IP literals and a port, nothing else", "[metrics]") {
  boost::asio::ip::tcp::endpoint ep;
  std::string err;
  REQUIRE(parse_listen_address("127.0.0.1:9468", &ep, &err));
  CHECK(ep.address().to_string() == "127.0.0.1");
  CHECK(ep.port() == 9468);
  REQUIRE(parse_listen_address("[::1]:9468", &ep, &err));
  CHECK(ep.address().is_v6());
  CHECK(ep.address().to_string() == "::1");
  REQUIRE(parse_listen_address("0.0.0.0:1", &ep, &err));
  for (const char* bad : {"localhost:9468", "127.0.0.1", "127.0.0.1:", "127.0.0.1:0",
                          "127.0.0.1:65536", "::1:9468", "[::1]", "127.0.0.1:94x", ":9468"}) {
    INFO(bad);
    CHECK_FALSE(parse_listen_address(bad, &ep, &err));
    CHECK(err.find("--metrics-listen") == 0);
  }
}

TEST_CASE("metrics: render_metrics says the counters, every level and incident type", "[metrics]") {
  PipelineCounters c;
  c.by_level[7] = 5;
  c.by_level[4] = 2;
  c.translated = 3;
  c.addresses = 9;
  c.unresolved = 1;
  c.missed = 4;
  c.malformed = 1;
  std::string dir = temp_dir();
  write_file(dir + "/oops_count", "2\n");  // a kernel with the counters (6.2 and later)
  MetricSources s;
  s.version = "9.9";
  s.records = &c;
  s.overruns = [] { return uint64_t{6}; };
  IncidentTracker incidents;
  s.incidents = &incidents;
  s.sys_kernel = dir;
  std::string text = render_metrics(s);
  INFO(text);
  for (const char* want :
       {"klogd_build_info{version=\"9.9\"} 1\n", "klogd_records_total{level=\"debug\"} 5\n",
        "klogd_records_total{level=\"warning\"} 2\n", "klogd_records_total{level=\"emerg\"} 0\n",
        "klogd_records_translated_total 3\n", "klogd_addresses_unresolved_total 1\n",
        "klogd_kernel_records_missed_total 4\n", "klogd_records_malformed_total 1\n",
        "klogd_kernel_overruns_total 6\n", "klogd_incidents_total{type=\"oops\"} 0\n",
        "klogd_incidents_total{type=\"refcount\"} 0\n", "klogd_kernel_oops_total 2\n",
        "# TYPE process_cpu_seconds_total counter\n", "process_open_fds ",
        "process_resident_memory_bytes ", "process_start_time_seconds "})
    CHECK(text.find(want) != std::string::npos);
  CHECK(text.find("klogd_kernel_warn_total") == std::string::npos);  // no such file there
  s.process = false;
  CHECK(render_metrics(s).find("process_") == std::string::npos);
}

TEST_CASE("metrics: the textfile is replaced whole, never written in place", "[metrics]") {
  std::string dir = temp_dir(), err;
  REQUIRE(write_file_atomically(dir + "/klogd.prom", "a 1\n", &err));
  CHECK(read_file(dir + "/klogd.prom") == "a 1\n");
  REQUIRE(write_file_atomically(dir + "/klogd.prom", "a 2\n", &err));
  CHECK(read_file(dir + "/klogd.prom") == "a 2\n");
  CHECK_FALSE(exists(dir + "/klogd.prom.tmp"));
  CHECK_FALSE(write_file_atomically(dir + "/no/such/dir/klogd.prom", "x", &err));
  CHECK(err.find("No such file or directory") != std::string::npos);
}
