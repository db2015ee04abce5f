// The text sources' line (/proc/kmsg, syslog(2)) and the two prefixes every text form shares.
#include "kmsg/text_line.h"

#include <catch2/catch.hpp>

#include "kmsg/printk_prefix.h"

using namespace klogd;

TEST_CASE("text line: priority, time and text, what is missing as klogd 1.5 assumed",
          "[kmsg]") {
  KmsgRecord r;
  parse_text_line("<6>[    1.234567] usb 1-1: new device", 7, &r);
  CHECK(r.seq == 7);
  CHECK(r.facility == 0);
  CHECK(r.level == 6);
  CHECK(r.ts_usec == 1234567u);
  CHECK(r.text == "usb 1-1: new device");
  parse_text_line("<14>from userspace", 8, &r);
  CHECK(r.facility == 1);
  CHECK(r.level == 6);
  CHECK(r.ts_usec == 0u);
  CHECK(r.text == "from userspace");
  parse_text_line("no prefix at all", 9, &r);  // LOG_WARNING, as klogd 1.5 assumed
  CHECK(r.level == 4);
  CHECK(r.text == "no prefix at all");
  // a fraction is a fraction: [1.5] is 1.5 s, as every other reader of the kernel's time reads it
  parse_text_line("<4>[1.5] short fraction", 10, &r);
  CHECK(r.ts_usec == 1500000u);
  CHECK(r.text == "short fraction");
  // not a prefix: kept in the text
  parse_text_line("<999>[x.y] junk", 11, &r);
  CHECK(r.text == "<999>[x.y] junk");
  parse_text_line("[<ffffffff81000000>] a trace's address", 12, &r);
  CHECK(r.ts_usec == 0u);
  CHECK(r.text == "[<ffffffff81000000>] a trace's address");
}

TEST_CASE("printk prefix: <PRIO> and [seconds.fraction], and what they are not", "[kmsg]") {
  size_t n = 0;
  CHECK(parse_printk_prio("<4>x", &n) == 4);
  CHECK(n == 3);
  CHECK(parse_printk_prio("<191>x", &n) == 191);
  CHECK_FALSE(parse_printk_prio("<192>x", &n));
  CHECK_FALSE(parse_printk_prio("<>x", &n));
  CHECK_FALSE(parse_printk_prio("<4", &n));
  CHECK_FALSE(parse_printk_prio("<1234>", &n));
  CHECK(parse_printk_time("[    2.907674] x", &n) == 2907674u);
  CHECK(n == 14);
  CHECK(parse_printk_time("[1.5]", &n) == 1500000u);
  CHECK(parse_printk_time("[1.000000001]", &n) == 1000000u);  // nanoseconds: cut to µs
  CHECK(parse_printk_time("[123456789012.000001]", &n) == 123456789012000001u);
  CHECK_FALSE(parse_printk_time("[1234567890123.0]", &n));
  CHECK_FALSE(parse_printk_time("[1.0000000001]", &n));
  CHECK_FALSE(parse_printk_time("[1.]", &n));
  CHECK_FALSE(parse_printk_time("[.5]", &n));
  CHECK_FALSE(parse_printk_time("[<ffffffff81000000>]", &n));
  CHECK_FALSE(parse_printk_time("[  T123]", &n));
}
