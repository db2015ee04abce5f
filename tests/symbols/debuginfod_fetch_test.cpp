// Debug files fetched by build ID from the real debuginfod (elfutils' server, on loopback)
// serving the tests' own ELF files: the file comes into the cache with its build ID; an unknown
// ID is said as such; a server that accepts and never answers costs the bounded time, no more.
#include "symbols/debuginfod_fetch.h"

#include <sys/socket.h>

#include <catch2/catch.hpp>
#include <cstdlib>

#include "symbols/debug_info.h"
#include "test_servers.h"

using namespace klogd;
using namespace klogd::test;

namespace {
const std::string kDir = KLOGD_TEST_DATA "/source/";
}

TEST_CASE("debuginfod: a debug file fetched by build ID, an unknown one said",
          "[symbols][debuginfod]") {
  if (!Debuginfod::can_run()) skip_test("no /usr/bin/debuginfod (Debian's debuginfod package)");
  const std::string id = build_id_of(kDir + "vmlinux-test");
  Debuginfod server;
  server.start({kDir + "vmlinux-test", kDir + "module-test.ko"}, id);
  const std::string cache = temp_dir();
  ::setenv("DEBUGINFOD_CACHE_PATH", cache.c_str(), 1);
  ::unsetenv("DEBUGINFOD_URLS");
  CHECK_FALSE(debuginfod_configured());
  ::setenv("DEBUGINFOD_URLS", server.url().c_str(), 1);
  CHECK(debuginfod_configured());

  std::string err;
  const std::string path = fetch_debuginfo(id, std::chrono::seconds(20), &err);
  INFO(err);
  REQUIRE(!path.empty());
  CHECK(path.rfind(cache, 0) == 0);
  auto d = DebugInfo::open(path, &err);
  REQUIRE(d);
  CHECK(d->build_id() == id);
  // the module too
  const std::string module =
      fetch_debuginfo(build_id_of(kDir + "module-test.ko"), std::chrono::seconds(20), &err);
  CHECK(!module.empty());

  CHECK(fetch_debuginfo(std::string(40, 'a'), std::chrono::seconds(20), &err).empty());
  CHECK(err == "debuginfod: " + std::string(40, 'a') + ": not found on " + server.url());
}

TEST_CASE("debuginfod: a server that never answers costs the bounded time",
          "[symbols][debuginfod]") {
  int port = 0;
  int fd = listen_loopback(&port);  // connections wait in the backlog, never answered
  const std::string url = "http://127.0.0.1:" + std::to_string(port);
  ::setenv("DEBUGINFOD_URLS", url.c_str(), 1);
  ::setenv("DEBUGINFOD_CACHE_PATH", temp_dir().c_str(), 1);
  std::string err;
  const auto start = std::chrono::steady_clock::now();
  CHECK(fetch_debuginfo(std::string(40, 'b'), std::chrono::milliseconds(1500), &err).empty());
  const auto took = std::chrono::steady_clock::now() - start;
  CHECK(err == "debuginfod: " + std::string(40, 'b') + ": no answer from " + url + " within 1 s");
  CHECK(took < std::chrono::seconds(10));  // bounded: not libdebuginfod's own 90 s
  ::close(fd);
}
