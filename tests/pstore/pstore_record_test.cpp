// The pstore record reader on real ramoops records and on what can go wrong with them.
#include "pstore/pstore_record.h"

#include <zlib.h>

#include <catch2/catch.hpp>

#include "deflate_util.h"
#include "test_util.h"

using namespace klogd;
using namespace klogd::test;

namespace {

const std::string kPair = KLOGD_TEST_DATA "/pstore/pairA/";

}  // namespace

TEST_CASE("pstore: a real ramoops record: header, levels, times, text", "[kmsg]") {
  PstoreRecord r;
  std::string err;
  REQUIRE(parse_pstore_record("dmesg-ramoops-0", read_file(kPair + "pstore/dmesg-ramoops-0"), &r,
                              &err));
  CHECK(err.empty());
  CHECK(r.reason == "Oops");
  CHECK(r.count == 1);
  CHECK(r.part == 1);
  CHECK(r.bad_lines == 0);
  REQUIRE(r.lines.size() == 477);  // truth.md: 477 lines
  CHECK(r.lines.front().level == 5);
  CHECK(r.lines.front().ts_usec == 0);
  CHECK(r.lines.front().text.starts_with("Linux version 6.1.0-56-amd64"));
  CHECK(r.lines.back().level == 4);
  CHECK(r.lines.back().ts_usec == 2'907'674);
  CHECK(r.lines.back().text == "---[ end trace 0000000000000000 ]---");
  PstoreRecord p;
  REQUIRE(parse_pstore_record("dmesg-ramoops-1", read_file(kPair + "pstore/dmesg-ramoops-1"), &p,
                              &err));
  CHECK(p.reason == "Panic");
  CHECK(p.count == 2);
  CHECK(p.lines.size() == 493);
  CHECK(p.lines.back().text.starts_with("Kernel Offset: 0x25400000"));
}

TEST_CASE("pstore: an ECC trailer, a compressed record, a damaged one, junk", "[kmsg]") {
  const std::string text =
      "Panic#3 Part1\n<6>[    1.000000] hello\n<0>[    2.500000] Kernel panic - not syncing: x\n";
  PstoreRecord r;
  std::string err;
  REQUIRE(parse_pstore_record("dmesg-ramoops-0", text + "ECC: No errors detected\n", &r, &err));
  CHECK(r.lines.size() == 2);
  CHECK(r.bad_lines == 0);
  CHECK(r.lines[1].ts_usec == 2'500'000);
  // a record the next kernel could not decompress: raw deflate, ".enc.z"
  PstoreRecord z;
  REQUIRE(parse_pstore_record("dmesg-ramoops-0.enc.z", deflate_raw(text), &z, &err));
  CHECK(err.empty());
  CHECK(z.reason == "Panic");
  CHECK(z.lines.size() == 2);
  // cut in half: what came out before the cut is kept, and said
  std::string big;
  for (int i = 0; i < 2000; ++i) big += "<6>[    1.000000] line " + std::to_string(i) + "\n";
  std::string packed = deflate_raw("Oops#1 Part1\n" + big);
  PstoreRecord cut;
  err.clear();
  CHECK(parse_pstore_record("dmesg-efi-1.enc.z", packed.substr(0, packed.size() / 2), &cut, &err));
  CHECK(err.find("cut short") != std::string::npos);
  CHECK(cut.lines.size() > 100);
  CHECK(cut.lines.size() < 2000);
  // not deflate at all; binary junk; an empty file
  PstoreRecord bad;
  err.clear();
  CHECK_FALSE(parse_pstore_record("x.enc.z", "not compressed at all", &bad, &err));
  CHECK(err.find("x.enc.z") != std::string::npos);
  err.clear();
  CHECK_FALSE(parse_pstore_record("dmesg-x", std::string("\x01\x02\xff\x00junk", 8), &bad, &err));
  CHECK_FALSE(err.empty());
  err.clear();
  CHECK_FALSE(parse_pstore_record("dmesg-x", "", &bad, &err));
}

TEST_CASE("pstore: what a file is, read from its bytes", "[kmsg]") {
  CHECK(dump_form("Oops#12 Part3\n<4>[ 1.0] x") == DumpForm::kPstoreRecord);
  CHECK(dump_form("Panic#2 Part1\r\n<0>[   10.532020] Kernel panic") == DumpForm::kPstoreRecord);
  CHECK(dump_form("dmesg-ramoops-1:\nPanic#2 Part1\n<4>[ 1.0] x") == DumpForm::kPstoreArchive);
  CHECK(dump_form("[    1.000000] dmesg line\n[    1.000001] next") == DumpForm::kTimedLog);
  CHECK(dump_form("<6>[    1.000000] dmesg -r line\n") == DumpForm::kTimedLog);
  // the console record is a ring: its first line may be cut
  CHECK(dump_form("ter: foo\n[    2.000000] a\n[    2.000001] b\n") == DumpForm::kTimedLog);
  CHECK(dump_form("6,1,0,-;Linux version 6.1\n") == DumpForm::kOtherText);
  CHECK(dump_form("Dec  6 22:42:07 host kernel: text\n") == DumpForm::kOtherText);
  CHECK(dump_form("") == DumpForm::kOtherText);
  CHECK(dump_form(std::string("\x7f" "ELF\x02\x01\x01\0\0\0", 10)) == DumpForm::kBinary);
  CHECK(dump_form(deflate_raw("Oops#1 Part1\n<4>[ 1.0] x\n")) == DumpForm::kBinary);
}

TEST_CASE("pstore: parts joined newest-last, copies kept once, other boots' dumps apart",
          "[kmsg]") {
  auto rec = [](int part, int count, std::vector<uint64_t> ts) {
    PstoreRecord r;
    r.name = "dmesg-efi-" + std::to_string(part);
    r.reason = "Panic";
    r.count = count;
    r.part = part;
    for (uint64_t t : ts) r.lines.push_back({4, true, t, "t" + std::to_string(t)});
    return r;
  };
  // efi-pstore: Part1 is the newest chunk, Part2 the one before it
  auto joined = join_pstore_dumps({rec(1, 1, {5, 6}), rec(2, 1, {3, 4}), rec(1, 1, {5, 6})});
  REQUIRE(joined.size() == 1);
  REQUIRE(joined[0].lines.size() == 4);
  CHECK(joined[0].lines[0].ts_usec == 3);
  CHECK(joined[0].lines[3].ts_usec == 6);
  CHECK(joined[0].name == "dmesg-efi-1");
  // two Part1 of Panic#1 that differ: two boots' dumps, not parts of one
  auto apart = join_pstore_dumps({rec(1, 1, {5, 6}), rec(1, 1, {7, 8})});
  CHECK(apart.size() == 2);
}

TEST_CASE("pstore: systemd-pstore's dmesg.txt holds the records it copied", "[kmsg]") {
  auto records =
      parse_pstore_dmesg_txt(read_file(kPair + "systemd-pstore/var/lib/systemd/pstore/dmesg.txt"));
  REQUIRE(records.size() == 2);
  CHECK(records[0].name == "dmesg-ramoops-1");
  CHECK(records[0].reason == "Panic");
  CHECK(records[0].lines.size() == 493);
  CHECK(records[1].name == "dmesg-ramoops-0");
  CHECK(records[1].lines.size() == 477);
}

TEST_CASE("pstore: a user record's facility, kdump's saved dmesg", "[kmsg]") {
  PstoreRecord r;
  std::string err;
  REQUIRE(parse_pstore_record("dmesg-ramoops-2",
                              "Oops#1 Part1\n<14>[    5.000001] hello from user\n"
                              "<4>[    5.000002] kernel line\n<999>[ 5.1] no such prio\n",
                              &r, &err));
  REQUIRE(r.lines.size() == 2);
  CHECK(r.lines[0].facility == 1);
  CHECK(r.lines[0].level == 6);
  CHECK(r.lines[1].facility == 0);
  CHECK(r.bad_lines == 1);

  // Debian kdump-tools' dmesg.STAMP and Fedora's vmcore-dmesg.txt: dmesg's form, no level
  PstoreRecord k;
  REQUIRE(parse_kdump_dmesg("dmesg.202612041334",
                            "[    0.000000] Linux version 6.1.0-56-amd64\n"
                            "[   10.532020] Kernel panic - not syncing: sysrq triggered crash\n"
                            "garbage\n<0>[   10.532490] Kernel Offset: 0x25400000\n",
                            &k, &err));
  CHECK(k.reason == "kdump");
  REQUIRE(k.lines.size() == 3);
  CHECK(k.lines[1].ts_usec == 10532020);
  CHECK(k.lines[1].level == 4);  // not printed: the default message level
  CHECK(k.lines[2].level == 0);
  CHECK(k.bad_lines == 1);
  PstoreRecord none;
  err.clear();
  CHECK_FALSE(parse_kdump_dmesg("dmesg.x", "no log here\n", &none, &err));
  CHECK(err.find("no kernel log lines") != std::string::npos);
}
