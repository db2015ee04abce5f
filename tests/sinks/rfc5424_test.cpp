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
  // Ten days after the epoch: the same date in every time zone (at 0, west of UTC is 1969).
  std::string m = format_rfc5424(r, 10 * 86400 * 1000000LL, o);
  CHECK(m.rfind("<4>1 1970-01-1", 0) == 0);
  CHECK(m.find(" host1 kernel - - [kmsg@32473 seq=\"12\" mono=\"2000000\" "
               "boot=\"274d6866-8c0e-4828-adba-4cb5d4dc16a8\" subsystem=\"pci\" "
               "device=\"+pci:0000:00:1f.2\" symbols=\"do_work+0x1a/0x80\"] "
               "\xef\xbb\xbf"
               "caf\xc3\xa9 bad\\xff ok\\x0a[do_work+0x1a/0x80]") != std::string::npos);
  std::string safe;
  append_utf8_safe("\xe2\x9c\x93 \xed\xa0\x80 \xc0\xaf \xf0\x9f\x98\x80", &safe);
  CHECK(safe == "\xe2\x9c\x93 \\xed\\xa0\\x80 \\xc0\\xaf \xf0\x9f\x98\x80");
}

TEST_CASE("rfc5424: klogd's own records carry no kernel seq, a replay no boot or wall time",
          "[rfc5424]") {
  Rfc5424Options o;
  o.hostname = "host1";
  o.boot_id = "274d6866-8c0e-4828-adba-4cb5d4dc16a8";
  FinishedRecord r;
  r.record.level = 4;
  r.record.ts_usec = 5000;
  r.text = "klogd: missed 3 kernel messages";
  r.synthetic = true;
  r.kernel_seq = false;
  r.after_seq = 41;
  std::string m = format_rfc5424(r, 0, o);
  CHECK(m.find(" seq=") == std::string::npos);
  CHECK(m.find("[kmsg@32473 after=\"41\" mono=\"5000\" boot=\"274d6866-") != std::string::npos);
  r.after_seq.reset();
  CHECK(format_rfc5424(r, 0, o).find("[kmsg@32473 mono=\"5000\" boot=") != std::string::npos);

  FinishedRecord k;
  k.record.level = 6;
  k.record.seq = 7;
  k.record.ts_usec = 9;
  k.text = "replayed";
  k.boot = RecordBoot::kReplay;
  m = format_rfc5424(k, 0, o);
  CHECK(m.rfind("<6>1 - host1 kernel - - [kmsg@32473 seq=\"7\" mono=\"9\" boot=\"replay\"]", 0) ==
        0);
  CHECK(m.find("274d6866") == std::string::npos);
}

TEST_CASE("rfc5424: a backslash is escaped, so every escape can be undone", "[rfc5424]") {
  FinishedRecord r;
  r.record.seq = 1;
  r.text = "kernel text \\x41 and \x01";
  r.event =
      std::make_shared<RecordEvent>(RecordEvent{"", "", "incident", "", {{"comm", "a\\b\"]"}}});
  Rfc5424Options o;
  std::string m = format_rfc5424(r, 0, o);
  CHECK(m.find("kernel text \\x5cx41 and \\x01") != std::string::npos);
  // in an SD value: \x5c for the kernel's backslash, then RFC 5424's own escapes
  CHECK(m.find("comm=\"a\\\\x5cb\\\"\\]\"") != std::string::npos);
}

TEST_CASE("cut_message: never inside a character or an escape, and the cut is said", "[rfc5424]") {
  std::string m(2000, 'a');
  m += "\\x41\\x42" + std::string(100, 'c');  // escapes at every cut point from 2000 to 2008
  for (size_t max = 2064; max < 2072; ++max) {
    std::string c = cut_message(m, max);
    INFO(max);
    CHECK(c.size() <= max);
    size_t mark = c.find(" [klogd: truncated ");
    REQUIRE(mark != std::string::npos);
    std::string kept = c.substr(0, mark);
    CHECK((kept.size() == 2000 || kept.size() == 2004 || kept.size() == 2008));
    CHECK(c.find(std::to_string(m.size() - kept.size()) + " bytes]") != std::string::npos);
  }
  CHECK(cut_message("short", 100) == "short");
  std::string u = std::string(2000, 'b') + "\xc3\xa9\xc3\xa9" + std::string(200, 'd');
  std::string c = cut_message(u, 2001 + 64);
  CHECK(c.substr(0, c.find(" [klogd")).size() == 2001 - 1);
}
