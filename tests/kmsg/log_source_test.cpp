// Where records come from: the device or a saved capture, told by what the path is; what the
// ring holds, scanned and rewound; an open that fails says what is missing.
#include "kmsg/log_source.h"

#include <catch2/catch.hpp>

#include "test_util.h"

using namespace klogd;
using namespace klogd::test;

TEST_CASE("log source: the device, or else a saved capture", "[kmsg]") {
  const std::string dir = temp_dir();
  write_capture(dir + "/capture", {"a"});
  CHECK(LogSource::records_at("/dev/kmsg") == LogSource::Kind::kDevice);
  CHECK(LogSource::records_at(dir + "/capture") == LogSource::Kind::kCapture);
  CHECK(LogSource::records_at("-") == LogSource::Kind::kCapture);
  LogSource s;
  std::string err;
  REQUIRE(s.open(LogSource::Kind::kCapture, dir + "/capture", &err));
  CHECK(s.kind() == LogSource::Kind::kCapture);
  CHECK(s.fd() >= 0);
  CHECK_FALSE(s.gives_text());
  CHECK(s.describe().find(dir + "/capture") != std::string::npos);
  LogSource missing;
  CHECK_FALSE(missing.open(LogSource::Kind::kCapture, dir + "/none", &err));
  CHECK(err.find(dir + "/none") != std::string::npos);
}

TEST_CASE("log source: /dev/kmsg scanned to its newest record, and rewound", "[kmsg]") {
  const std::string tag = unique_tag("scan");
  REQUIRE(inject_kmsg("<6>" + tag + "\n"));
  LogSource s;
  std::string err;
  if (!s.open(LogSource::Kind::kDevice, "/dev/kmsg", &err)) skip_test(err);
  LogSource::Scan first = s.scan();
  REQUIRE(first.last_seq);
  REQUIRE(first.first_seq);
  CHECK(*first.first_seq <= *first.last_seq);
  CHECK(first.records > 0);
  s.rewind();
  LogSource::Scan again = s.scan();
  CHECK(again.last_seq >= first.last_seq);
  CHECK(again.first_seq >= first.first_seq);
  CHECK(s.describe() == "/dev/kmsg");
}
