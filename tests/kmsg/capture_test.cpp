// A saved capture of /dev/kmsg back into records, and the text sources' line assembly.
#include "kmsg/capture.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "kmsg/kmsg_record.h"

using namespace klogd;

TEST_CASE("capture: records with their dictionaries, across any chunking", "[kmsg]") {
  std::string capture =
      "6,1,100,-;first\n"
      "6,2,200,-;second with a device\n"
      " SUBSYSTEM=block\n"
      " DEVICE=b8:0\n"
      "\n"
      "4,3,300,c,caller=T1;third\r\n";
  for (size_t chunk = 1; chunk <= capture.size(); ++chunk) {
    INFO("chunks of " << chunk);
    CaptureReader r;
    std::vector<std::string> got;
    auto take = [&](std::string_view raw) { got.emplace_back(raw); };
    for (size_t at = 0; at < capture.size(); at += chunk)
      r.feed(std::string_view(capture).substr(at, chunk), take);
    r.finish(take);
    REQUIRE(got.size() == 3);
    CHECK(got[0] == "6,1,100,-;first\n");
    CHECK(got[1] == "6,2,200,-;second with a device\n SUBSYSTEM=block\n DEVICE=b8:0\n");
    CHECK(got[2] == "4,3,300,c,caller=T1;third\n");
    KmsgRecord rec;
    REQUIRE(parse_kmsg_record(got[1], &rec) == ParseError::kOk);
    CHECK(rec.dict_value("DEVICE") == "b8:0");
  }
}

TEST_CASE("capture: a quiet pipe hands over its last record, a half line stays", "[kmsg]") {
  CaptureReader r;
  std::vector<std::string> got;
  auto take = [&](std::string_view raw) { got.emplace_back(raw); };
  r.feed("6,1,100,-;one\n6,2,200,-;tw", take);
  CHECK(got.empty());  // held: dictionary lines may follow
  r.idle(take);        // the next line has begun, and it is a record: "one" is whole
  CHECK(got.size() == 1);
  r.feed("o\n", take);
  CHECK(got.size() == 1);
  r.feed(" DICT", take);
  r.idle(take);  // a half-read line that may be a dictionary line: "two" waits
  CHECK(got.size() == 1);
  r.feed("=x\n", take);
  r.idle(take);
  REQUIRE(got.size() == 2);
  CHECK(got[1] == "6,2,200,-;two\n DICT=x\n");
  // a stray line that is no record is handed on alone (the processor marks it malformed)
  r.feed(" KEY=orphan\ngarbage\n", take);
  r.finish(take);
  REQUIRE(got.size() == 4);
  CHECK(got[2] == " KEY=orphan\n");
  CHECK(got[3] == "garbage\n");
}
