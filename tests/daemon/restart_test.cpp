// Restart continuity: the seqnum state file makes a restarted klogd neither repeat nor skip.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "test_util.h"

using namespace klogd::test;

namespace {

const std::string kKlogd = KLOGD_BINARY;

std::string boot_id() {
  std::string b = read_file("/proc/sys/kernel/random/boot_id");
  while (!b.empty() && b.back() == '\n') b.pop_back();
  return b;
}

// The sequence number of the oldest record still in the ring, and of the next one to come.
uint64_t oldest_seq() {
  int fd = ::open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
  char buf[16384];
  ssize_t n = ::read(fd, buf, sizeof buf);
  ::close(fd);
  REQUIRE(n > 0);
  std::string rec(buf, static_cast<size_t>(n));
  size_t c1 = rec.find(',');
  return std::stoull(rec.substr(c1 + 1, rec.find(',', c1 + 1) - c1 - 1));
}

}  // namespace

TEST_CASE("restart: kill -9 mid-stream, restart: every record exactly once", "[daemon][restart]") {
  std::string dir = temp_dir();
  std::string common = " -n -f " + dir + "/out --state-file " + dir + "/state --pid-file " + dir +
                       "/pid 2>>" + dir + "/err";
  std::string tag = unique_tag("restart");
  const int total = 400;
  std::atomic<int> written{0};
  // klogd up and keeping its place before the stream begins (a slow start, as under ASan,
  // must not make the kill come before there is any place to resume from)
  Child pid(kKlogd + common);
  REQUIRE(inject_kmsg("<6>" + tag + " up\n"));
  REQUIRE(wait_for(dir + "/out", tag + " up"));
  REQUIRE(wait_until([&] { return exists(dir + "/state"); }));
  std::thread writer([&] {
    for (int i = 0; i < total; ++i) {
      inject_kmsg("<6>" + tag + " n=" + std::to_string(i) + ".\n");
      written = i + 1;
      std::this_thread::sleep_for(std::chrono::microseconds(2500));
    }
  });
  while (written < total / 3) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  pid.stop(SIGKILL);
  while (written < total / 2) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  pid.start(kKlogd + common);
  writer.join();
  REQUIRE(wait_for(dir + "/out", tag + " n=" + std::to_string(total - 1) + "."));
  pid.stop(SIGTERM);
  std::string out = read_file(dir + "/out");
  size_t once = 0;
  for (int i = 0; i < total; ++i) {
    size_t c = count(out, tag + " n=" + std::to_string(i) + ".");
    INFO("record " << i);
    CHECK(c == 1);
    once += c == 1;
  }
  CHECK(once == total);
  CHECK(read_file(dir + "/err").find("resuming at sequence number") != std::string::npos);
}

TEST_CASE("restart: a clean restart skips what was forwarded", "[daemon][restart]") {
  std::string dir = temp_dir();
  std::string tag = unique_tag("resume");
  REQUIRE(inject_kmsg("<6>" + tag + " first\n"));
  Child pid(kKlogd + " -n -f " + dir + "/out1 --state-file " + dir + "/state --pid-file " + dir +
            "/pid 2>" + dir + "/err1");
  REQUIRE(wait_for(dir + "/out1", tag + " first"));
  pid.stop(SIGTERM);
  REQUIRE(inject_kmsg("<6>" + tag + " second\n"));
  pid.start(kKlogd + " -n -f " + dir + "/out2 --state-file " + dir + "/state --pid-file " + dir +
            "/pid 2>" + dir + "/err2");
  REQUIRE(wait_for(dir + "/out2", tag + " second"));
  pid.stop(SIGTERM);
  CHECK(read_file(dir + "/out2").find(tag + " first") == std::string::npos);
  CHECK(read_file(dir + "/err2").find("skipped ") != std::string::npos);
}

TEST_CASE("restart: another boot id starts from the oldest record", "[daemon][restart]") {
  std::string dir = temp_dir();
  std::string tag = unique_tag("boot");
  REQUIRE(inject_kmsg("<6>" + tag + " before\n"));
  write_file(dir + "/state", "00000000-1111-2222-3333-444444444444 99999999999999999999\n");
  Child pid(kKlogd + " -n -f " + dir + "/out --state-file " + dir + "/state --pid-file " + dir +
            "/pid 2>" + dir + "/err");
  CHECK(wait_for(dir + "/out", tag + " before"));
  pid.stop(SIGTERM);
  CHECK(read_file(dir + "/err").find("from another boot") != std::string::npos);
  // the file now holds this boot's id
  CHECK(read_file(dir + "/state").rfind(boot_id() + " ", 0) == 0);
}

TEST_CASE("restart: records overwritten meanwhile are stated exactly", "[daemon][restart]") {
  std::string dir = temp_dir();
  // The ring must have wrapped (its oldest record is no longer number 0): on a machine up for a
  // while it has; right after boot a few hundred fillers do it, or the test cannot run.
  std::string filler = unique_tag("gap") + " " + std::string(400, 'f') + "\n";
  for (int i = 0; i < 700 && oldest_seq() < 10; ++i) REQUIRE(inject_kmsg("<7>" + filler));
  uint64_t oldest = oldest_seq();
  if (oldest <= 5) skip_test("the kernel's ring has not wrapped yet");
  // As if klogd had stopped when the ring's oldest record was still 5 records away.
  uint64_t saved = oldest - 5;
  char line[128];
  std::snprintf(line, sizeof line, "%s %020llu\n", boot_id().c_str(),
                static_cast<unsigned long long>(saved));
  write_file(dir + "/state", line);
  Child pid(kKlogd + " -n -f " + dir + "/out --state-file " + dir + "/state --pid-file " + dir +
            "/pid 2>" + dir + "/err");
  REQUIRE(wait_for(dir + "/out", "missed"));
  pid.stop(SIGTERM);
  std::string out = read_file(dir + "/out");
  // the ring may have moved on between our look and klogd's: the stated gap is what it saw
  size_t at = out.find("klogd: missed ");
  REQUIRE(at != std::string::npos);
  uint64_t stated = std::stoull(out.substr(at + 14));
  CHECK(stated >= 5);
  CHECK(out.find("klogd: missed " + std::to_string(stated) + " kernel messages") !=
        std::string::npos);
  // nothing else wrote meanwhile: the gap is exactly from the saved position to the oldest record
  if (oldest_seq() == oldest) CHECK(stated == oldest - saved);
}

TEST_CASE("restart: a saved position past the ring's newest record is not trusted",
          "[daemon][restart]") {
  // This boot's id, but a position the ring never reached (a state file from before a ring
  // reset, or damaged): trusting it would skip every record forever.
  std::string dir = temp_dir();
  std::string tag = unique_tag("past");
  REQUIRE(inject_kmsg("<6>" + tag + " already there\n"));
  char line[128];
  std::snprintf(line, sizeof line, "%s %020llu\n", boot_id().c_str(), 99999999999ULL);
  write_file(dir + "/state", line);
  Child pid(kKlogd + " -n -f " + dir + "/out --state-file " + dir + "/state --pid-file " + dir +
            "/pid 2>" + dir + "/err");
  REQUIRE(wait_for(dir + "/out", tag + " already there"));
  REQUIRE(inject_kmsg("<6>" + tag + " new\n"));
  CHECK(wait_for(dir + "/out", tag + " new"));
  pid.stop(SIGTERM);
  CHECK(read_file(dir + "/err").find("the saved position 99999999999 is past the newest record") !=
        std::string::npos);
}
