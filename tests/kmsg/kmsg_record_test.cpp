#include "kmsg/kmsg_record.h"

#include <catch2/catch.hpp>

#include "util/text.h"

using namespace klogd;

TEST_CASE("kmsg record: a plain record parses into its fields", "[kmsg_record]") {
  KmsgRecord r;
  REQUIRE(parse_kmsg_record("6,339,5140900,-;NET: Registered protocol family 10\n", &r) ==
          ParseError::kOk);
  CHECK(r.facility == 0);
  CHECK(r.level == 6);
  CHECK(r.seq == 339);
  CHECK(r.ts_usec == 5140900);
  CHECK_FALSE(r.continuation);
  CHECK(r.text == "NET: Registered protocol family 10");
  CHECK(r.dict.empty());
}

TEST_CASE("kmsg record: facility and level come from prio", "[kmsg_record]") {
  KmsgRecord r;
  REQUIRE(parse_kmsg_record("14,1,2,-;from userspace\n", &r) == ParseError::kOk);
  CHECK(r.facility == 1);
  CHECK(r.level == 6);
  CHECK(r.prio() == 14);
}

TEST_CASE("kmsg record: continuation flag and unknown extra fields", "[kmsg_record]") {
  KmsgRecord r;
  REQUIRE(parse_kmsg_record("4,108,1141832,c,caller=T1,future=x;tail\n", &r) == ParseError::kOk);
  CHECK(r.continuation);
  CHECK(r.text == "tail");
  CHECK(r.caller == "T1");
  REQUIRE(parse_kmsg_record("4,108,1141832,-,caller=C3;x\n", &r) == ParseError::kOk);
  CHECK_FALSE(r.continuation);
  CHECK(r.caller == "C3");
  REQUIRE(parse_kmsg_record("4,108,1141832,-;x\n", &r) == ParseError::kOk);
  CHECK(r.caller.empty());
}

TEST_CASE("kmsg record: 3.5 kernels had no flags field", "[kmsg_record]") {
  KmsgRecord r;
  REQUIRE(parse_kmsg_record("6,1,2;old kernel\n", &r) == ParseError::kOk);
  CHECK(r.text == "old kernel");
}

TEST_CASE("kmsg record: dictionary lines are parsed and decoded", "[kmsg_record]") {
  KmsgRecord r;
  REQUIRE(parse_kmsg_record("3,2,3,-;sd 0:0:0:0: error\n SUBSYSTEM=scsi\n DEVICE=+scsi:0:0:0:0\n "
                            "VAL=a\\x3db\n",
                            &r) == ParseError::kOk);
  REQUIRE(r.dict.size() == 3);
  CHECK(r.dict_value("SUBSYSTEM") == "scsi");
  CHECK(r.dict_value("DEVICE") == "+scsi:0:0:0:0");
  CHECK(r.dict_value("VAL") == "a=b");
  CHECK(r.dict_value("NOPE").empty());
}

TEST_CASE("kmsg record: escapes are decoded and the raw form kept", "[kmsg_record]") {
  KmsgRecord r;
  REQUIRE(parse_kmsg_record("6,1,2,-;a\\x0ab\\x5cc \\xe2\\x9c\\x93\n", &r) == ParseError::kOk);
  CHECK(r.text == "a\nb\\c \xe2\x9c\x93");
}

TEST_CASE("kmsg record: invalid escapes are kept literally", "[kmsg_record]") {
  CHECK(decode_kmsg_escapes("\\xZZ \\x4 \\q \\") == "\\xZZ \\x4 \\q \\");
  CHECK(decode_kmsg_escapes("end\\x4") == "end\\x4");
  CHECK(decode_kmsg_escapes("\\x41\\x42") == "AB");
}

TEST_CASE("kmsg record: control bytes are re-escaped for line output", "[kmsg_record]") {
  CHECK(escape_control(std::string("a\nb\x1b\x7f\0z", 7)) == "a\\x0ab\\x1b\\x7f\\x00z");
  CHECK(escape_control("caf\xc3\xa9") == "caf\xc3\xa9");
}

TEST_CASE("kmsg record: every malformed form is refused with its reason", "[kmsg_record]") {
  KmsgRecord r;
  CHECK(parse_kmsg_record("", &r) == ParseError::kEmpty);
  CHECK(parse_kmsg_record("6,1,2,-;no newline", &r) == ParseError::kTruncated);
  CHECK(parse_kmsg_record("6,1,2,- no semicolon\n", &r) == ParseError::kNoSemicolon);
  CHECK(parse_kmsg_record("6,1;two fields\n", &r) == ParseError::kMissingField);
  CHECK(parse_kmsg_record("6;one field\n", &r) == ParseError::kMissingField);
  CHECK(parse_kmsg_record("x,1,2,-;bad prio\n", &r) == ParseError::kBadNumber);
  CHECK(parse_kmsg_record("6,-1,2,-;negative\n", &r) == ParseError::kBadNumber);
  CHECK(parse_kmsg_record("6,1, 2,-;space\n", &r) == ParseError::kBadNumber);
  CHECK(parse_kmsg_record("6,99999999999999999999999,2,-;overflow\n", &r) ==
        ParseError::kBadNumber);
  CHECK(parse_kmsg_record("6,,2,-;empty seq\n", &r) == ParseError::kBadNumber);
  CHECK(parse_kmsg_record("99999,1,2,-;prio out of range\n", &r) == ParseError::kBadNumber);
  CHECK(parse_kmsg_record("6,1,2,zz;bad flags\n", &r) == ParseError::kBadFlags);
  CHECK(parse_kmsg_record(std::string("6,1,2,-;nul\0byte\n", 17), &r) == ParseError::kNulByte);
  CHECK(parse_kmsg_record("6,1,2,-;x\nnot a dict line\n", &r) == ParseError::kBadDictionary);
  CHECK(parse_kmsg_record("6,1,2,-;x\n =novalue\n", &r) == ParseError::kBadDictionary);
  CHECK(parse_kmsg_record("6,1\n,2,-;newline in header\n", &r) == ParseError::kNoSemicolon);
  std::string huge = "6,1,2,-;" + std::string(kMaxRecordBytes, 'a') + "\n";
  CHECK(parse_kmsg_record(huge, &r) == ParseError::kTooLong);
  CHECK(to_string(ParseError::kNulByte) == "NUL byte in record");
}

TEST_CASE("kmsg record: an 8 KiB record (older kernels) is accepted", "[kmsg_record]") {
  KmsgRecord r;
  std::string big = "6,1,2,-;" + std::string(8192, 'b') + "\n";
  REQUIRE(parse_kmsg_record(big, &r) == ParseError::kOk);
  CHECK(r.text.size() == 8192);
}

TEST_CASE("kmsg record: every record of a real kernel's /dev/kmsg parses", "[kmsg_record]") {
  // The corpus's raw records, one read() each: a record starts at a line that does not begin
  // with a space.
  std::FILE* f = std::fopen(KLOGD_TEST_DATA "/debian/kmsg.raw", "r");
  REQUIRE(f);
  std::string all;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) all.append(buf, n);
  std::fclose(f);
  size_t records = 0, pos = 0;
  while (pos < all.size()) {
    size_t end = pos;
    do {
      end = all.find('\n', end);
      end = end == std::string::npos ? all.size() : end + 1;
    } while (end < all.size() && all[end] == ' ');
    KmsgRecord r;
    INFO(all.substr(pos, end - pos));
    REQUIRE(parse_kmsg_record(std::string_view(all).substr(pos, end - pos), &r) == ParseError::kOk);
    CHECK(r.seq == records);
    ++records;
    pos = end;
  }
  CHECK(records > 400);
}
