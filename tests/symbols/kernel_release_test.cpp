// The kernel release a log names, read in one place: the boot's "Linux version" line and a
// report's task line.
#include "symbols/kernel_release.h"

#include <catch2/catch.hpp>

using namespace klogd;

TEST_CASE("kernel release: from the Linux version line and from a report's CPU line", "[symbols]") {
  CHECK(release_in_log("[    0.000000] Linux version 6.1.0-56-amd64 (debian-kernel@lists.debian.org) "
                       "(gcc-12 ...) #1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2\n") == "6.1.0-56-amd64");
  CHECK(release_in_log("x\n[    2.9] CPU: 0 PID: 115 Comm: sh Tainted: G        W  OE      "
                       "6.1.0-56-amd64 #1 Debian 6.1.192-2\n") == "6.1.0-56-amd64");
  CHECK(release_in_log("CPU: 1 PID: 7 Comm: kworker/1:0 Not tainted 6.8.0-rc1+ #12\n") ==
        "6.8.0-rc1+");
  // the version line wins over a report before it
  CHECK(release_in_log("CPU: 1 PID: 7 Comm: x Not tainted 6.8.0 #1\nLinux version 6.9.0 (b)\n") ==
        "6.9.0");
  CHECK(release_in_log("no release here\n") == "");
  CHECK_FALSE(release_of_version_line("Linux version "));
}

TEST_CASE("kernel release: the report's task line, every field", "[symbols]") {
  auto c = parse_cpu_line("CPU: 0 PID: 93 Comm: sh Tainted: G        W  OE      6.1.0-56-amd64 #1");
  REQUIRE(c);
  CHECK(c->cpu == 0);
  CHECK(c->pid == 93u);
  CHECK(c->comm == "sh");
  CHECK(c->taint == "G        W  OE");
  CHECK(c->release == "6.1.0-56-amd64");
  c = parse_cpu_line("CPU: 1 UID: 0 PID: 1 Comm: init Not tainted 6.12.0 #1");
  REQUIRE(c);
  CHECK(c->pid == 1u);
  CHECK(c->comm == "init");
  CHECK(c->taint.empty());
  CHECK(c->release == "6.12.0");
  CHECK_FALSE(parse_cpu_line("CPU: x PID: 1 Comm: y"));
  CHECK_FALSE(parse_cpu_line("PID: 1 CPU: 0 Comm: y"));
}
