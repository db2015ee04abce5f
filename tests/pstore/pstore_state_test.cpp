// The pstore state: which dumps were harvested, each boot's last delivered kernel time, kept
// across reboots (a new boot id makes the last one "previous").
#include <catch2/catch.hpp>
#include <sys/stat.h>
#include <unistd.h>

#include "pstore/pstore_state.h"
#include "test_util.h"

using namespace klogd;
using namespace klogd::test;

namespace {
const std::string kBootA = "87f48d3a-1b40-4f9f-bfad-6754170ddcaa";
const std::string kBootB = "e30646c6-ab15-44f8-9708-cb393404f172";
}  // namespace

TEST_CASE("pstore state: a new boot makes the last one previous, with its delivered time",
          "[kmsg][pstore]") {
  const std::string path = temp_dir() + "/state";
  std::string err, note;
  {
    PstoreState s;
    REQUIRE(s.open(path, kBootA, &err, &note));
    CHECK(note.empty());
    CHECK(s.previous_boot_id().empty());
    CHECK_FALSE(s.previous_delivered_usec());
    REQUIRE(s.save_delivered(2907674, &err));
    REQUIRE(s.remember({"aaaa", "bbbb"}, &err));
    REQUIRE(s.save_delivered(10532490, &err));  // in place, after the keys were written
  }
  {  // klogd restarted in the same boot: nothing is previous yet
    PstoreState s;
    REQUIRE(s.open(path, kBootA, &err, &note));
    CHECK(s.previous_boot_id().empty());
    CHECK(s.known("aaaa"));
    CHECK(s.known("bbbb"));
    CHECK_FALSE(s.known("cccc"));
  }
  {  // the next boot
    PstoreState s;
    REQUIRE(s.open(path, kBootB, &err, &note));
    CHECK(s.previous_boot_id() == kBootA);
    REQUIRE(s.previous_delivered_usec());
    CHECK(*s.previous_delivered_usec() == 10532490);
    CHECK(s.known("aaaa"));
  }
  {  // and a klogd restart in it still knows the boot before
    PstoreState s;
    REQUIRE(s.open(path, kBootB, &err, &note));
    CHECK(s.previous_boot_id() == kBootA);
    CHECK(*s.previous_delivered_usec() == 10532490);
  }
  const std::string text = read_file(path);
  CHECK(text.find("this " + kBootB + " --------------------\n") != std::string::npos);
  CHECK(text.find("previous " + kBootA + " 00000000000010532490\n") != std::string::npos);
}

TEST_CASE("pstore state: junk is started afresh, a link and a second holder are refused",
          "[kmsg][pstore]") {
  const std::string dir = temp_dir();
  std::string err, note;
  write_file(dir + "/junk", std::string("\x01\x02not ours\n", 11));
  {
    PstoreState s;
    REQUIRE(s.open(dir + "/junk", kBootA, &err, &note));
    CHECK(note.find("started afresh") != std::string::npos);
    CHECK_FALSE(s.known("not"));
  }
  write_file(dir + "/target", "keep me\n");
  REQUIRE(::symlink((dir + "/target").c_str(), (dir + "/link").c_str()) == 0);
  {
    PstoreState s;
    err.clear();
    CHECK_FALSE(s.open(dir + "/link", kBootA, &err, &note));
    CHECK(err.find("not a regular file") != std::string::npos);
    CHECK(read_file(dir + "/target") == "keep me\n");
  }
  {
    PstoreState first, second;
    REQUIRE(first.open(dir + "/state", kBootA, &err, &note));
    err.clear();
    CHECK_FALSE(second.open(dir + "/state", kBootA, &err, &note));
    CHECK(second.busy());
    CHECK(err.find("in use by another klogd") != std::string::npos);
  }
}

TEST_CASE("pstore state: only the newest dumps are remembered", "[kmsg][pstore]") {
  const std::string path = temp_dir() + "/state";
  std::string err, note;
  PstoreState s;
  REQUIRE(s.open(path, kBootA, &err, &note));
  std::vector<std::string> keys;
  for (size_t i = 0; i < kMaxPstoreKeys + 5; ++i) keys.push_back("k" + std::to_string(i));
  REQUIRE(s.remember(keys, &err));
  CHECK_FALSE(s.known("k0"));
  CHECK(s.known("k5"));
  CHECK(s.known("k" + std::to_string(kMaxPstoreKeys + 4)));
}
