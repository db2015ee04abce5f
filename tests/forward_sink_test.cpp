// --forward URLs and the RFC 5424 messages sent to collectors.
#include "forward_sink.h"

#include <catch2/catch.hpp>

using namespace klogd;

TEST_CASE("forward: URLs, default ports, IPv6, framing", "[forward]") {
  ForwardTarget t;
  std::string err;
  REQUIRE(parse_forward_url("udp://loghost", &t, &err));
  CHECK(t.scheme == "udp");
  CHECK(t.host == "loghost");
  CHECK(t.port == 514);
  REQUIRE(parse_forward_url("tcp://10.0.0.1:1514?framing=lf", &t, &err));
  CHECK(t.port == 1514);
  CHECK(t.lf_framing);
  REQUIRE(parse_forward_url("tcp://[::1]:601", &t, &err));
  CHECK(t.host == "::1");
  CHECK(t.port == 601);
  REQUIRE(parse_forward_url("tls://collector.example", &t, &err));
  CHECK(t.port == 6514);
  REQUIRE(parse_forward_url("relp://127.0.0.1:2514", &t, &err));
  CHECK(t.port == 2514);
  for (std::string bad : {"loghost", "ftp://x", "tcp://", "tcp://x:0", "tcp://x:70000",
                          "tcp://x:12a", "relp://x", "tcp://[::1", "tcp://x?framing=zz"}) {
    INFO(bad);
    CHECK_FALSE(parse_forward_url(bad, &t, &err));
    CHECK(err.find(bad) != std::string::npos);
  }
}

TEST_CASE("forward: RFC 5424 message with SD, BOM and safe UTF-8", "[forward]") {
  FinishedRecord r;
  r.record.facility = 0;
  r.record.level = 4;
  r.record.seq = 12;
  r.record.ts_usec = 2000000;
  r.record.dict = {{"SUBSYSTEM", "pci"}, {"DEVICE", "+pci:0000:00:1f.2"}};
  r.text = std::string("caf\xc3\xa9 bad\xff ok\n[do_work+0x1a/0x80]");
  r.translated = true;
  r.symbols = "do_work+0x1a/0x80";
  Rfc5424Options o;
  o.hostname = "host1";
  o.boot_id = "274d6866-8c0e-4828-adba-4cb5d4dc16a8";
  o.bom = true;
  std::string m = format_rfc5424(r, 0, o);
  CHECK(m.rfind("<4>1 1970-01-01T", 0) == 0);
  CHECK(m.find(" host1 kernel - - [kmsg@32473 seq=\"12\" mono=\"2000000\" "
               "boot=\"274d6866-8c0e-4828-adba-4cb5d4dc16a8\" subsystem=\"pci\" "
               "device=\"+pci:0000:00:1f.2\" symbols=\"do_work+0x1a/0x80\"] "
               "\xef\xbb\xbf"
               "caf\xc3\xa9 bad\\xff ok\\x0a[do_work+0x1a/0x80]") != std::string::npos);
  std::string safe;
  append_utf8_safe("\xe2\x9c\x93 \xed\xa0\x80 \xc0\xaf \xf0\x9f\x98\x80", &safe);
  CHECK(safe == "\xe2\x9c\x93 \\xed\\xa0\\x80 \\xc0\\xaf \xf0\x9f\x98\x80");
}
