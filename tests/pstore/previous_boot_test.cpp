// The previous boot's harvest at start: the shared pair's pstore records and systemd-pstore's
// archive of them, kdump's saved log, what the previous boot already delivered, what was
// harvested before, damage, and hiding.
#include "pstore/previous_boot.h"

#include <catch2/catch.hpp>
#include <algorithm>
#include <filesystem>
#include <set>

#include "deflate_util.h"
#include "test_util.h"

using namespace klogd;
using namespace klogd::test;

namespace {

const std::string kPair = KLOGD_TEST_DATA "/pstore/pairA/";
const std::string kArchive = kPair + "systemd-pstore/var/lib/systemd/pstore";

const Annotator& as_printed() {
  static Annotator a(nullptr, {AnnotationStyle::kNone});
  return a;
}

std::string file_lines(const PreviousBoot& p) {
  std::string out;
  for (const FinishedRecord& r : p.records)
    append_klogd_line(r, r.event ? std::string_view(r.event->line) : std::string_view(r.text), &out);
  return out;
}

std::string field(const FinishedRecord& r, const std::string& name) {
  for (const auto& [n, v] : r.event->fields)
    if (n == name) return v;
  return "(none)";
}

}  // namespace

TEST_CASE("previous boot: the pair's records and their archive give each line and crash once",
          "[decode][pstore]") {
  PreviousBootOptions o;
  o.paths = {kPair + "pstore", kArchive};
  o.previous_boot_id = "87f48d3a-1b40-4f9f-bfad-6754170ddcaa";
  PreviousBoot p = harvest_previous_boot(o, as_printed());
  CHECK(p.problems.empty());
  CHECK(p.dumps == 2);  // the Oops and the Panic record; their copies and dmesg.txt once
  CHECK(p.new_keys.size() == 2);
  CHECK(p.files.size() == 5);  // 2 in pstore/, 2 copies and dmesg.txt in the archive
  CHECK(p.lines == 493);       // the Panic record holds every line of the Oops record
  REQUIRE(p.incidents.size() == 3);
  CHECK(p.incidents[0].title == "WARNING in crashme_warn");
  CHECK(p.incidents[1].title == "BUG: unable to handle kernel NULL pointer dereference in crashme_oops");
  CHECK(p.incidents[2].title == "kernel panic: sysrq triggered crash");
  CHECK(p.incidents[2].panicked);
  REQUIRE(p.records.size() == 496);
  const std::vector<std::string> lines = lines_of(file_lines(p));
  CHECK(lines.front().starts_with("<5>[    0.000000] klogd: previous boot: Linux version 6.1.0-56"));
  CHECK(lines.back() ==
        "<0>[   10.532490] klogd: incident in the previous boot: kernel panic: sysrq triggered "
        "crash [" + p.incidents[2].fingerprint + "]");
  // the oops's incident follows its report's last line, the end trace at 2.907674
  auto at = std::find(lines.begin(), lines.end(),
                      "<2>[    2.907674] klogd: incident in the previous boot: BUG: unable to "
                      "handle kernel NULL pointer dereference in crashme_oops [" +
                          p.incidents[1].fingerprint + "]");
  REQUIRE(at != lines.end());
  CHECK(at[-1] == "<4>[    2.907674] klogd: previous boot: ---[ end trace 0000000000000000 ]---");
  for (const FinishedRecord& r : p.records) {
    CHECK(r.boot == RecordBoot::kPrevious);
    CHECK_FALSE(r.kernel_seq);
  }
  const FinishedRecord& panic = p.records.back();
  REQUIRE(panic.event);
  CHECK(field(panic, "boot") == "previous");
  CHECK(field(panic, "boot_id") == o.previous_boot_id);
  CHECK(field(panic, "panicked") == "1");
  CHECK(field(panic, "first_seq") == "(none)");  // a dump's line numbers name nothing
}

TEST_CASE("previous boot: what it delivered is not sent again, what was harvested never again",
          "[decode][pstore]") {
  PreviousBootOptions o;
  o.paths = {kPair + "pstore"};
  o.delivered_usec = 2900000;  // after the WARN's report, before the oops
  PreviousBoot p = harvest_previous_boot(o, as_printed());
  CHECK(p.told_incidents == 1);  // the WARN was told live
  REQUIRE(p.incidents.size() == 2);
  CHECK(p.incidents[0].title.find("crashme_oops") != std::string::npos);
  REQUIRE_FALSE(p.records.empty());
  CHECK(p.records.front().record.ts_usec > 2900000);
  CHECK(p.lines + p.delivered_lines == 493);

  std::set<std::string> harvested(p.new_keys.begin(), p.new_keys.end());
  o.known = [&](const std::string& k) { return harvested.count(k) != 0; };
  o.paths = {kPair + "pstore", kArchive};
  PreviousBoot again = harvest_previous_boot(o, as_printed());
  CHECK(again.dumps == 2);
  CHECK(again.known_dumps == 2);
  CHECK(again.records.empty());
  CHECK(again.files.size() == 5);  // still listed: --pstore-unlink removes copies harvested before
}

TEST_CASE("previous boot: kdump's saved log beside pstore, damage said, addresses hidden",
          "[decode][pstore]") {
  namespace fs = std::filesystem;
  const std::string crash = temp_dir();
  fs::create_directories(crash + "/202612041334");
  // kdump-tools' dmesg.STAMP: the crashed kernel's log in dmesg's form (no level)
  std::string dmesg;
  for (const std::string& l : lines_of(read_file(kPair + "pstore/dmesg-ramoops-1")))
    if (l.starts_with("<")) dmesg += l.substr(l.find('>') + 1) + "\n";
  write_file(crash + "/202612041334/dmesg.202612041334", dmesg);
  write_file(crash + "/202612041334/dump.202612041334", std::string(4096, '\x7f'));  // a vmcore
  write_file(crash + "/kexec_cmd", "kexec -p ...\n");
  // binary bytes that are no deflate stream are no dump (as the vmcore), whatever the name says
  write_file(crash + "/dmesg-efi-1.enc.z", "\x01\x02 not deflate");

  PreviousBootOptions o;
  o.paths = {crash};
  PreviousBoot k = harvest_previous_boot(o, as_printed());
  CHECK(k.problems.empty());
  CHECK(k.dumps == 1);
  REQUIRE(k.incidents.size() == 3);
  CHECK(k.incidents[2].title == "kernel panic: sysrq triggered crash");

  // a compressed record whose stream was cut: harvested, its damage said, under any name
  const std::string damaged = temp_dir();
  const std::string packed = deflate_raw(read_file(kPair + "pstore/dmesg-ramoops-0"));
  write_file(damaged + "/saved-record", packed.substr(0, packed.size() / 2));
  PreviousBootOptions d;
  d.paths = {damaged};
  PreviousBoot cut = harvest_previous_boot(d, as_printed());
  REQUIRE(cut.problems.size() == 1);
  CHECK(cut.problems[0].find("saved-record") != std::string::npos);
  CHECK(cut.problems[0].find("cut short") != std::string::npos);
  CHECK(cut.dumps == 1);
  CHECK(cut.lines > 100);

  // with pstore's records of the same crash: the lines and incidents once
  o.paths = {crash, kPair + "pstore"};
  PreviousBoot both = harvest_previous_boot(o, as_printed());
  CHECK(both.dumps == 3);
  CHECK(both.incidents.size() == 3);
  CHECK(both.lines == 493);  // kdump's lines are the Panic record's: once, with their levels
  CHECK(file_lines(both).find("<0>[   10.532020] klogd: previous boot: Kernel panic") !=
        std::string::npos);

  // ramoops' console record (CONFIG_PSTORE_CONSOLE): the console's lines, in dmesg's form
  const std::string console = temp_dir();
  write_file(console + "/console-ramoops-0", dmesg);
  o.paths = {console};
  PreviousBoot c = harvest_previous_boot(o, as_printed());
  CHECK(c.dumps == 1);
  CHECK(c.incidents.size() == 3);

  // --hide-addresses: the previous boot's addresses are masked like live ones
  AnnotatorOptions hide{AnnotationStyle::kNone};
  hide.hide_addresses = true;
  Annotator hiding(nullptr, hide);
  o.paths = {kPair + "pstore"};
  PreviousBoot h = harvest_previous_boot(o, hiding);
  const std::string text = file_lines(h);
  CHECK(text.find("Kernel Offset:") != std::string::npos);
  CHECK(text.find("ffffffff81000000") == std::string::npos);

  // an explicit path that is not there is said; the defaults' absence is not
  o.paths = {crash + "/nothing"};
  o.missing_is_problem = true;
  CHECK(harvest_previous_boot(o, as_printed()).problems.size() == 1);
}
