// The RFC 5424 messages sent to collectors.
#include "sinks/rfc5424.h"

#include <catch2/catch.hpp>

#include "util/text.h"

using namespace klogd;

TEST_CASE("rfc5424: RFC 5424 message with SD, BOM and safe UTF-8", "[rfc5424]") {
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
