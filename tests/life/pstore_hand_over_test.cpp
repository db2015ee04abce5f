// The root helper's copies of the previous boot's dumps: only what the bytes say is a dump, never
// through a link or from a FIFO, kept under its own name, 0600 and the user's; harvested from
// there as from the originals.
#include "life/pstore_hand_over.h"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "pstore/previous_boot.h"
#include "test_util.h"

using namespace klogd;
using namespace klogd::test;

namespace fs = std::filesystem;

TEST_CASE("hand-over: the dumps copied for klogd, nothing else", "[life]") {
  const std::string pair = KLOGD_TEST_DATA "/pstore/pairA/";
  const std::string origin = temp_dir(), inbox = temp_dir() + "/previous-boot";
  fs::copy_file(pair + "pstore/dmesg-ramoops-1", origin + "/dmesg-ramoops-1");
  fs::create_directories(origin + "/202612041334");
  write_file(origin + "/202612041334/dump.202612041334", std::string(8192, '\x7f'));  // a vmcore
  write_file(origin + "/notes.txt", "not a dump\n");
  REQUIRE(::symlink("/etc/shadow", (origin + "/dmesg-ramoops-9").c_str()) == 0);
  REQUIRE(::mkfifo((origin + "/dmesg-ramoops-8").c_str(), 0600) == 0);
  const bool root = ::geteuid() == 0;
  HandOver h = hand_over_pstore({origin}, inbox, root ? "nobody" : "");
  CHECK(h.problems.empty());
  CHECK(h.copied == 1);
  std::string where = origin.substr(1);
  for (char& c : where)
    if (c == '/') c = '-';
  const std::string copy = inbox + "/" + where + "/dmesg-ramoops-1";
  REQUIRE(exists(copy));
  CHECK(read_file(copy) == read_file(pair + "pstore/dmesg-ramoops-1"));
  struct stat st {};
  REQUIRE(::stat(copy.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  REQUIRE(::stat(inbox.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0700);
  if (root) CHECK(st.st_uid == 65534u);
  // harvested from the copies as from the original: the same crashes
  static const Annotator as_printed(nullptr, {AnnotationStyle::kNone});
  PreviousBootOptions o;
  o.paths = {inbox};
  PreviousBoot from_copy = harvest_previous_boot(o, as_printed);
  o.paths = {pair + "pstore/dmesg-ramoops-1"};
  PreviousBoot from_original = harvest_previous_boot(o, as_printed);
  REQUIRE(from_copy.incidents.size() == 3);
  REQUIRE(from_copy.new_keys.size() == 1);
  CHECK(from_copy.new_keys == from_original.new_keys);  // the same dump, by its identity
  // again: the copy replaced, not added to
  h = hand_over_pstore({origin}, inbox, "");
  CHECK(h.copied == 1);
  CHECK(std::distance(fs::recursive_directory_iterator(inbox),
                      fs::recursive_directory_iterator()) == 2);
}
