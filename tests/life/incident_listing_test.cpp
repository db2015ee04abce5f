// klogd incidents' rows: from journal entries and incidents, folded by fingerprint, printed as
// columns and JSON; --since/--until as journalctl reads them.
#include "life/incident_listing.h"

#include <catch2/catch.hpp>
#include <ctime>

using namespace klogd;

namespace {

JournalEntry entry(uint64_t t, const std::string& boot, const std::string& fp,
                   const std::string& repeats, const std::string& file = "") {
  JournalEntry e;
  e.realtime_usec = t;
  e.boot_id = boot;
  e.fields = {{"MESSAGE", "WARNING in f"},
              {"KERNEL_INCIDENT_TYPE", "warning"},
              {"KERNEL_INCIDENT_TITLE", "WARNING in f"},
              {"KERNEL_INCIDENT_FINGERPRINT", fp},
              {"KERNEL_INCIDENT_REPEATS", repeats},
              {"KERNEL_INCIDENT_TAINT", "G        W  OE"}};
  if (!file.empty()) e.fields.emplace_back("KERNEL_INCIDENT_GUILTY_FILE", file);
  return e;
}

uint64_t local(int y, int mo, int d, int h, int mi, int s) {
  struct tm t {};
  t.tm_year = y - 1900;
  t.tm_mon = mo - 1;
  t.tm_mday = d;
  t.tm_hour = h;
  t.tm_min = mi;
  t.tm_sec = s;
  t.tm_isdst = -1;
  return static_cast<uint64_t>(mktime(&t)) * 1000000;
}

}  // namespace

TEST_CASE("incident listing: rows from the journal, grouped by fingerprint with counts and boots",
          "[life]") {
  const std::string b1(32, 'a'), b2(32, 'b');
  std::vector<IncidentRow> rows{row_of(entry(1000000, b1, "f1", "0", "fs/inode.c")),
                                row_of(entry(2000000, b1, "f2", "3")),
                                row_of(entry(3000000, b2, "f1", "2"))};
  CHECK(rows[0].guilty_file == "fs/inode.c");
  CHECK(rows[1].repeats == 3);
  const std::vector<IncidentGroup> g = group_rows(rows);
  REQUIRE(g.size() == 2);
  CHECK(g[0].fingerprint == "f1");
  CHECK(g[0].incidents == 2);
  CHECK(g[0].repeats == 2);
  CHECK(g[0].boots == std::vector<std::string>{b1, b2});
  CHECK(g[0].first_usec == 1000000);
  CHECK(g[0].last_usec == 3000000);
  CHECK(g[0].where == "fs/inode.c");
  CHECK(g[1].incidents == 1);

  const std::string json = format_rows(rows, true, 0);
  CHECK(json.find("\"fingerprint\":\"f2\",\"repeats\":3,") != std::string::npos);
  CHECK(json.find("\"taint\":\"G        W  OE\"}") != std::string::npos);
  CHECK(std::count(json.begin(), json.end(), '\n') == 3);
  const std::string grouped = format_groups(g, true, 0);
  CHECK(grouped.find("\"count\":4,\"incidents\":2,\"repeats\":2,") != std::string::npos);

  // columns: a header, one line each, the taint one cell, the title cut to the width
  const std::string cols = format_rows(rows, false, 0);
  CHECK(cols.rfind("TIME ", 0) == 0);
  CHECK(std::count(cols.begin(), cols.end(), '\n') == 4);
  CHECK(cols.find(" GWOE\n") != std::string::npos);
  rows[0].title = std::string(300, 'x');
  for (const std::string& line : {format_rows(rows, false, 120)})
    CHECK(line.find(std::string(300, 'x')) == std::string::npos);
  CHECK(format_rows({}, false, 0).empty());
}

TEST_CASE("incident listing: --since and --until as journalctl reads them", "[life]") {
  const uint64_t now = local(2026, 12, 7, 6, 41, 38);
  uint64_t t = 0;
  std::string err;
  CHECK(parse_time_spec("2026-12-06 22:48:02", now, &t, &err));
  CHECK(t == local(2026, 12, 6, 22, 48, 2));
  CHECK(parse_time_spec("2026-12-06", now, &t, &err));
  CHECK(t == local(2026, 12, 6, 0, 0, 0));
  CHECK(parse_time_spec("2026-12-06 22:48", now, &t, &err));
  CHECK(t == local(2026, 12, 6, 22, 48, 0));
  CHECK(parse_time_spec("06:00", now, &t, &err));
  CHECK(t == local(2026, 12, 7, 6, 0, 0));
  CHECK(parse_time_spec("today", now, &t, &err));
  CHECK(t == local(2026, 12, 7, 0, 0, 0));
  CHECK(parse_time_spec("yesterday", now, &t, &err));
  CHECK(t == local(2026, 12, 6, 0, 0, 0));
  CHECK(parse_time_spec("-2h", now, &t, &err));
  CHECK(t == now - 7200ull * 1000000);
  CHECK(parse_time_spec("+5min", now, &t, &err));
  CHECK(t == now + 300ull * 1000000);
  CHECK(parse_time_spec("@1700000000", now, &t, &err));
  CHECK(t == 1700000000ull * 1000000);
  CHECK(parse_time_spec("now", now, &t, &err));
  CHECK(t == now);
  for (const char* bad : {"", "soon", "2026-13-01", "25:00", "-2y", "2026-12-06 22", "@x"}) {
    INFO(bad);
    CHECK_FALSE(parse_time_spec(bad, now, &t, &err));
    CHECK(err.find("not a time") != std::string::npos);
  }
}
