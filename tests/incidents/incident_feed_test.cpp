// The one way into the incident engine: the live tracker, --decode --incidents and the previous
// boot's harvest read the same report by the same rules, and title and fingerprint it alike.
#include "incidents/incident_feed.h"

#include <catch2/catch.hpp>

#include "decode/decode_output.h"
#include "pstore/pstore_incidents.h"
#include "incidents/incident_tracker.h"
#include "pstore/pstore_record.h"
#include "test_util.h"

using namespace klogd;
using namespace klogd::test;

namespace {

const std::string kPair = KLOGD_TEST_DATA "/pstore/pairA/";

// A real WARN as pstore kept it ("<4>[    2.883750] ------------[ cut here ]..."), after a line
// the kernel printed at info level that holds a report's header: the kernel prints every
// report's first line at warning level or above, so that one opens nothing, on any path.
std::vector<std::string> report_lines() {
  std::vector<std::string> out{"<6>[    2.880000] crashme: BUG: printed at info, no report"};
  bool in = false;
  for (const std::string& l : lines_of(read_file(kPair + "pstore/dmesg-ramoops-0"))) {
    in = in || l.find("[ cut here ]") != std::string::npos;
    if (in) out.push_back(l);
    if (in && l.find("---[ end trace") != std::string::npos) break;
  }
  return out;
}

std::vector<Incident> live(const std::vector<std::string>& lines) {
  std::vector<Incident> found;
  IncidentTracker tracker;
  tracker.set_hold([&](const Incident& i, FinishedRecord&) {
    found.push_back(i);
    return false;
  });
  std::vector<FinishedRecord> out;
  uint64_t seq = 100;
  for (const std::string& l : lines) {
    PstoreRecord r;
    std::string err;
    REQUIRE(parse_pstore_record("x", "Oops#1 Part1\n" + l + "\n", &r, &err));
    REQUIRE(r.lines.size() == 1);
    FinishedRecord f;
    f.record.seq = seq++;
    f.record.level = r.lines[0].level;
    f.record.facility = r.lines[0].facility;
    f.record.ts_usec = r.lines[0].ts_usec;
    f.text = r.lines[0].text;
    tracker.observe(f, &out);
  }
  tracker.flush(&out);
  return found;
}

}  // namespace

TEST_CASE("incident feed: one report, the same incident live, from a saved log and from pstore",
          "[incidents]") {
  static Symbolizer none;
  static Annotator annotator(&none, {});
  const std::vector<std::string> lines = report_lines();
  REQUIRE(lines.size() > 40);
  std::string text;
  for (const std::string& l : lines) text += l + "\n";

  const std::vector<Incident> a = live(lines);
  const std::vector<Incident> b = find_incidents(text, annotator);  // dmesg -r's form
  PstoreRecord record;
  std::string err;
  REQUIRE(parse_pstore_record("dmesg-ramoops-0", "Oops#1 Part1\n" + text, &record, &err));
  const std::vector<Incident> c = pstore_incidents({record}, annotator);

  REQUIRE(a.size() == 1);
  REQUIRE(b.size() == 1);
  REQUIRE(c.size() == 1);
  CHECK(a[0].title == "WARNING in crashme_warn");
  CHECK(b[0].title == a[0].title);
  CHECK(c[0].title == a[0].title);
  CHECK(b[0].fingerprint == a[0].fingerprint);
  CHECK(c[0].fingerprint == a[0].fingerprint);
  CHECK(b[0].type == a[0].type);
  CHECK(c[0].type == a[0].type);
}

TEST_CASE("incident feed: a line below warning level opens nothing, a line of unknown level may",
          "[incidents]") {
  std::vector<CrashReport> found;
  IncidentFeed feed([&](CrashReport r) { found.push_back(std::move(r)); }, {}, false);
  FeedLine l;
  l.context = "console";
  l.text = "BUG: kernel NULL pointer dereference, address: 0000000000000000";
  l.level = 6;
  CHECK_FALSE(feed.feed(l));
  CHECK_FALSE(feed.open());
  l.kernel = false;  // userspace wrote it
  l.level = 1;
  CHECK_FALSE(feed.feed(l));
  l.kernel = true;
  l.level.reset();  // dmesg without -r: who knows
  CHECK(feed.feed(l));
  CHECK(feed.open());
  feed.flush();
  CHECK(found.size() == 1);
}
