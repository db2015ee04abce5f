// The restart point's file: this boot's position kept and found again, another boot's ignored,
// damage and what is not a regular file refused or said.
#include "kmsg/seqnum_state.h"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "test_util.h"

using namespace klogd;
using namespace klogd::test;

namespace {
const std::string kBoot = "87f48d3a-1b40-4f9f-bfad-6754170ddcaa";
const std::string kOther = "e30646c6-ab15-44f8-9708-cb393404f172";
}  // namespace

TEST_CASE("seqnum state: a position saved is this boot's next start", "[kmsg]") {
  const std::string dir = temp_dir();
  std::string err;
  {
    SeqnumState s;
    REQUIRE(s.open(dir + "/kmsg-seqnum", kBoot, &err));
    CHECK_FALSE(s.resume_seq());
    CHECK(s.note().find("no saved position") != std::string::npos);
    REQUIRE(s.save(1234, &err));
    REQUIRE(s.save(1300, &err));  // rewritten in place: one line
  }
  CHECK(read_file(dir + "/kmsg-seqnum").find('\n') == read_file(dir + "/kmsg-seqnum").size() - 1);
  SeqnumState again;
  REQUIRE(again.open(dir + "/kmsg-seqnum", kBoot, &err));
  CHECK(again.resume_seq() == 1300u);
  // another boot: the ring is another one, nothing is skipped
  SeqnumState next_boot;
  REQUIRE(next_boot.open(dir + "/kmsg-seqnum", kOther, &err));
  CHECK_FALSE(next_boot.resume_seq());
  CHECK_FALSE(next_boot.note().empty());
}

TEST_CASE("seqnum state: garbage is no position, a link or a folder is refused", "[kmsg]") {
  const std::string dir = temp_dir();
  std::string err;
  write_file(dir + "/garbage", "\x01\x02 not a state file at all\n");
  SeqnumState g;
  REQUIRE(g.open(dir + "/garbage", kBoot, &err));
  CHECK_FALSE(g.resume_seq());
  write_file(dir + "/target", kBoot + " 00000000000000000042\n");
  REQUIRE(::symlink((dir + "/target").c_str(), (dir + "/link").c_str()) == 0);
  SeqnumState l;
  CHECK_FALSE(l.open(dir + "/link", kBoot, &err));
  REQUIRE(::mkdir((dir + "/folder").c_str(), 0755) == 0);
  SeqnumState f;
  CHECK_FALSE(f.open(dir + "/folder", kBoot, &err));
  CHECK(err.find(dir + "/folder") != std::string::npos);
}
