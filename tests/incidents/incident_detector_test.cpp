// The detector's rules one at a time, the tracker's live rules (kernel facility only, repeats
// within the window, idle end), and the real Debian crashme boot in its three saved forms.
#include <catch2/catch.hpp>

#include "decode/decode_output.h"
#include "incidents/incident_json.h"
#include "incidents/incident_record.h"
#include "incidents/incident_tracker.h"
#include "test_util.h"
#include "util/text.h"

using namespace klogd;
using namespace klogd::test;

namespace {

const std::string kDebian = KLOGD_TEST_DATA "/debian/";

std::vector<Incident> incidents(const std::string& log) {
  static Symbolizer none;
  static Annotator annotator(&none, {});
  return find_incidents(log, annotator);
}

// A WARN as a 6.1 kernel prints it, with a caller id; `fn` and `mod` vary the crash.
std::string warn_report(const std::string& ctx, const std::string& fn, const std::string& addr,
                        bool end = true) {
  auto l = [&](const std::string& t) { return "[  100.000001][" + ctx + "] " + t + "\n"; };
  std::string s =
      l("------------[ cut here ]------------") +
      l("WARNING: CPU: 1 PID: 77 at drivers/foo.c:29 " + fn + "+0x" + addr + "/0x20 [foo]") +
      l("Modules linked in: foo(O) bar") +
      l("CPU: 1 PID: 77 Comm: sh Tainted: G        W  O       6.1.0-9-amd64 #1 "
        "Debian 6.1.27-1") +
      l("RIP: 0010:" + fn + "+0x" + addr + "/0x20 [foo]") + l("Call Trace:") + l(" <TASK>") +
      l(" foo_write+0x" + addr + "/0x9b [foo]") + l(" ? security_file_permission+0x2b/0x50") +
      l(" vfs_write+0xc5/0x3a0") + l(" ksys_write+0x5f/0xe0") + l(" do_syscall_64+0x58/0xc0") +
      l(" </TASK>");
  if (end) s += l("---[ end trace 0000000000000000 ]---");
  return s;
}

FinishedRecord kernel_record(uint64_t seq, const std::string& text, int facility = 0,
                             const std::string& caller = "T77") {
  FinishedRecord r;
  r.record.facility = facility;
  r.record.level = 4;
  r.record.seq = seq;
  r.record.ts_usec = 100'000'000 + seq;
  r.record.caller = caller;
  r.text = text;
  return r;
}

// Feeds a report's lines (without their console prefix) as records, from `seq` on.
uint64_t feed(IncidentTracker& t, const std::string& report, uint64_t seq,
              std::vector<FinishedRecord>* out, int facility = 0,
              IncidentTracker::Clock::time_point now = IncidentTracker::Clock::now()) {
  for (const std::string& line : lines_of(report)) {
    size_t msg = line.find("] ", line.find("]["));
    t.observe(kernel_record(seq++, line.substr(msg + 2), facility), out, now);
  }
  return seq;
}

std::string field(const FinishedRecord& r, const std::string& name) {
  REQUIRE(r.event);
  for (const auto& [k, v] : r.event->fields)
    if (k == name) return v;
  return "(none)";
}

}  // namespace

TEST_CASE("incidents: a WARN's fields, taint decoded, ? frames left out", "[incidents]") {
  auto found = incidents(warn_report("  T77", "foo_warn", "f"));
  REQUIRE(found.size() == 1);
  const Incident& i = found[0];
  CHECK(i.type == IncidentType::kWarning);
  CHECK(i.title == "WARNING in foo_warn");
  CHECK(i.function == "foo_warn");
  CHECK(i.module == "foo");
  CHECK(i.release == "6.1.0-9-amd64");
  CHECK(i.cpu == 1);
  CHECK(i.pid == 77);
  CHECK(i.comm == "sh");
  CHECK(i.taint == "G        W  O");  // as printed; decoded below
  auto flags = decode_taint(i.taint);
  REQUIRE(flags.size() == 3);
  CHECK(flags[1].letter == 'W');
  CHECK(flags[1].meaning.find("warning") != std::string_view::npos);
  CHECK(flags[2].letter == 'O');
  CHECK(flags[2].meaning.find("out-of-tree") != std::string_view::npos);
  CHECK(i.frames == std::vector<std::string>{"foo_write+0xf/0x9b [foo]", "vfs_write+0xc5/0x3a0",
                                             "ksys_write+0x5f/0xe0", "do_syscall_64+0x58/0xc0"});
  CHECK(i.first_line == 1);  // the cut-here line
  CHECK(i.last_line == 14);  // the end-trace line
  CHECK_FALSE(i.corrupted);
  CHECK_FALSE(i.panicked);
  std::string json;
  append_incident_json(i, &json);
  for (const char* member :
       {"\"type\":\"warning\"", "\"title\":\"WARNING in foo_warn\"", "\"function\":\"foo_warn\"",
        "\"module\":\"foo\"", "\"taint\":[{\"flag\":\"G\"", "\"release\":\"6.1.0-9-amd64\"",
        "\"cpu\":1", "\"pid\":77", "\"comm\":\"sh\"", "\"frames\":[\"foo_write+0xf/0x9b [foo]\"",
        "\"panicked\":false", "\"corrupted\":false", "\"first_line\":1", "\"last_line\":14",
        "\"fingerprint\":\""})
    CHECK(json.find(member) != std::string::npos);
}

TEST_CASE("incidents: the fingerprint ignores offsets, addresses, host and time, not the crash",
          "[incidents]") {
  const std::string a = incidents(warn_report("  T77", "foo_warn", "f"))[0].fingerprint;
  // another build's offsets, another task, another timestamp: the same crash
  std::string other = warn_report(" T901", "foo_warn", "2c");
  CHECK(incidents(other)[0].fingerprint == a);
  // another function: another crash
  CHECK(incidents(warn_report("  T77", "foo_other", "f"))[0].fingerprint != a);
}

TEST_CASE("incidents: a report ends at the next report, at end of input, or cut when too long",
          "[incidents]") {
  // two reports of one task, the first without its end line
  auto two = incidents(warn_report("  T77", "foo_warn", "f", false) +
                       warn_report("  T77", "foo_again", "f"));
  REQUIRE(two.size() == 2);
  CHECK(two[0].title == "WARNING in foo_warn");
  CHECK(two[0].last_line == 13);
  CHECK(two[1].title == "WARNING in foo_again");
  CHECK(two[1].first_line == 14);
  // no end line at all: ends with the input, not cut
  auto open = incidents(warn_report("  T77", "foo_warn", "f", false));
  REQUIRE(open.size() == 1);
  CHECK_FALSE(open[0].corrupted);
  // a report that never ends is cut after DetectorOptions::max_lines and marked corrupted
  std::vector<Incident> cut;
  DetectorOptions o;
  o.max_lines = 50;
  IncidentNamer namer;
  IncidentFeed d([&](CrashReport r) { cut.push_back(namer.name(r)); }, o, false);
  uint64_t n = 0;
  for (const std::string& line : lines_of(warn_report("  T77", "foo_warn", "f", false))) {
    LogLine split = split_log_line(line, false);
    d.feed(feed_line(split, split.text, ++n));
  }
  for (int k = 0; k < 100; ++k) {
    LogLine split = split_log_line("[  100.000002][  T77]  vfs_write+0xc5/0x3a0", false);
    d.feed(feed_line(split, split.text, ++n));
  }
  REQUIRE(cut.size() == 1);
  CHECK(cut[0].corrupted);
  // 50 lines taken, and the cut-here line and the " ? " frame that were not
  CHECK(cut[0].last_line - cut[0].first_line + 1 == 52);
}

TEST_CASE("incidents: error-looking lines and a report's words in prose open nothing",
          "[incidents]") {
  CHECK(incidents("[    1.0] ACPI BIOS Error (bug): Could not resolve symbol\n"
                  "[    1.1] EXT4-fs error (device sda1): ext4_find_entry: reading directory\n"
                  "[    1.2] usb 1-1: device descriptor read/64, error -71\n"
                  "[    1.3] systemd[1]: Started Kernel Panic Reporter.\n"
                  "[    1.4] audit: type=1400 apparmor=\"DENIED\" operation=\"open\"\n")
            .empty());
}

TEST_CASE("incidents: the Debian crashme boot gives the same incidents from console and kmsg",
          "[incidents]") {
  auto console = incidents(read_file(kDebian + "console.txt"));
  auto kmsg = incidents(read_file(kDebian + "kmsg.raw"));
  REQUIRE(console.size() == 3);
  CHECK(console[0].title == "WARNING in crashme_warn");
  CHECK(console[0].module == "crashme");
  CHECK(console[0].taint == "G           OE");
  CHECK(console[1].title ==
        "BUG: unable to handle kernel NULL pointer dereference in crashme_oops");
  CHECK(console[1].type == IncidentType::kOops);
  CHECK(console[1].function == "crashme_oops");
  CHECK(console[2].title == "kernel panic: sysrq triggered crash");
  CHECK(console[2].panicked);
  REQUIRE(kmsg.size() >= 2);
  CHECK(kmsg[0].title == console[0].title);
  CHECK(kmsg[0].fingerprint == console[0].fingerprint);
  CHECK(kmsg[1].title == console[1].title);
  CHECK(kmsg[1].fingerprint == console[1].fingerprint);
  CHECK(kmsg[0].frames == console[0].frames);
}

TEST_CASE("incidents: live, one record per incident after the record that ended it",
          "[incidents]") {
  IncidentTracker t;
  std::vector<FinishedRecord> out;
  // every line but the end line: nothing yet
  std::string report = warn_report("  T77", "foo_warn", "f");
  const std::string end_line = lines_of(report).back();
  report.resize(report.size() - end_line.size() - 1);
  uint64_t seq = feed(t, report, 500, &out);
  CHECK(out.empty());
  // the end line: the incident record comes right after it, not after the next record
  seq = feed(t, end_line + "\n", seq, &out);
  REQUIRE(out.size() == 1);
  const FinishedRecord& r = out[0];
  CHECK(r.synthetic);
  CHECK(r.text == "WARNING in foo_warn");
  CHECK_FALSE(r.kernel_seq);      // klogd's own record: no kernel sequence number of its own
  CHECK(r.after_seq == seq - 1);  // the end line's
  // what x86 prints after the end line, and the panic, belong to it: no second incident
  for (const char* tail : {"RIP: 0010:foo_warn+0xf/0x20 [foo]", "RSP: 0018:ffffc90000abfe30",
                           "Kernel panic - not syncing: Fatal exception",
                           "Kernel Offset: 0x1c000000 from 0xffffffff81000000",
                           "---[ end Kernel panic - not syncing: Fatal exception ]---"})
    t.observe(kernel_record(seq++, tail), &out);
  t.observe(kernel_record(seq++, "usb 1-1: new high-speed USB device number 2"), &out);
  t.flush(&out);
  CHECK(out.size() == 1);
  CHECK(t.counters().incidents == 1);
  CHECK(r.event->message_id == "962f7587ffba4a1b8ebb64e1e54eae2c");
  CHECK(r.event->line.find("klogd: incident: WARNING in foo_warn [") == 0);
  CHECK(field(r, "type") == "warning");
  CHECK(field(r, "function") == "foo_warn");
  CHECK(field(r, "module") == "foo");
  CHECK(field(r, "taint") == "G        W  O");
  CHECK(field(r, "first_seq") == "500");
  CHECK(field(r, "last_seq") == std::to_string(*r.after_seq));  // the end line
  CHECK(field(r, "frames").find("foo_write+0xf/0x9b [foo], vfs_write+0xc5/0x3a0") == 0);
  CHECK(field(r, "fingerprint").size() == 20);
  CHECK(t.counters().by_type.at(IncidentType::kWarning) == 1);
}

TEST_CASE("incidents: live, userspace's records never open one", "[incidents]") {
  IncidentTracker t;
  std::vector<FinishedRecord> out;
  feed(t, warn_report("  T77", "foo_warn", "f"), 1, &out, /*facility=*/1);
  t.flush(&out);
  CHECK(out.empty());
  CHECK(t.counters().incidents == 0);
}

TEST_CASE("incidents: live, the same crash within the window is counted, then reported",
          "[incidents]") {
  IncidentTrackerOptions o;
  o.window = std::chrono::seconds(600);
  IncidentTracker t(o);
  std::vector<FinishedRecord> out;
  auto t0 = IncidentTracker::Clock::now();
  uint64_t seq = 1;
  auto crash = [&](const std::string& fn, int at_seconds) {
    auto now = t0 + std::chrono::seconds(at_seconds);
    seq = feed(t, warn_report("  T77", fn, "f"), seq, &out, 0, now);
    t.observe(kernel_record(seq++, "usb 1-1: new high-speed USB device number 2"), &out, now);
  };
  crash("foo_warn", 0);
  REQUIRE(out.size() == 1);
  CHECK(field(out[0], "repeats") == "0");
  crash("foo_warn", 5);
  crash("foo_warn", 9);
  CHECK(out.size() == 1);
  CHECK(t.counters().repeats == 2);
  crash("bar_warn", 10);  // another crash is not a repeat
  REQUIRE(out.size() == 2);
  // after the window: emitted again, with the count of those not emitted
  crash("foo_warn", 700);
  REQUIRE(out.size() == 3);
  CHECK(field(out[2], "repeats") == "2");
  // named from memory (the repeats in the window only counted), yet described whole
  for (const char* f :
       {"fingerprint", "type", "function", "module", "taint", "frames", "comm", "pid", "cpu"}) {
    INFO(f);
    CHECK(field(out[0], f) != "(none)");
    CHECK(field(out[2], f) == field(out[0], f));
  }
  CHECK(t.counters().incidents == 5);
  CHECK(t.counters().emitted == 3);
}

TEST_CASE("incidents: live, a report without an end closes when the log goes quiet, and at exit",
          "[incidents]") {
  IncidentTracker t;
  std::vector<FinishedRecord> out;
  auto t0 = IncidentTracker::Clock::now();
  feed(t, warn_report("  T77", "foo_warn", "f", false), 1, &out, 0, t0);
  CHECK(out.empty());
  CHECK(t.open());
  t.idle(&out, t0 + std::chrono::milliseconds(500));
  CHECK(out.empty());
  t.idle(&out, t0 + std::chrono::seconds(3));
  REQUIRE(out.size() == 1);
  CHECK_FALSE(t.open());
  IncidentTracker u;
  std::vector<FinishedRecord> at_exit;
  feed(u, warn_report("  T77", "foo_warn", "f", false), 1, &at_exit);
  u.flush(&at_exit);
  CHECK(at_exit.size() == 1);
}

TEST_CASE("incidents: --style keep's records are read as klogd's style", "[incidents]") {
  std::string out;
  klogd_style_text(" 0xffffffffc00560aa (crashme_warn+0xa/0x20 [crashme])", &out);
  CHECK(out == " crashme_warn+0xa/0x20 [crashme]");
  out.clear();
  klogd_style_text("RIP: 0010:0xffffffff81000105 (do_work+0x5/0x80) (x)", &out);
  CHECK(out == "RIP: 0010:do_work+0x5/0x80 (x)");
}

TEST_CASE("incidents: giant and binary lines inside and outside a report are survived",
          "[incidents]") {
  std::string giant(1 << 20, 'a');
  std::string log =
      "[    1.0] BUG: " + giant + "\n" + warn_report("  T77", "foo_warn", "f", false) +
      "[  100.000001][  T77] " + std::string(1 << 20, '=') + "\n" + "[  100.000001][  T77]  " +
      giant + "+0x1/0x2\n" + std::string("\0\xff\x01 Kernel panic - not syncing: \xfe", 34) + "\n";
  auto found = incidents(log);
  REQUIRE(!found.empty());
  bool warn = false;
  for (const Incident& i : found) warn = warn || i.title == "WARNING in foo_warn";
  CHECK(warn);
}

// The detector keeps what it found in the lines it saw last, the namer their masked keys: a
// line seen again, in another report or another place, is judged as the first time.
TEST_CASE("incidents: lines seen before are judged as the first time (the storm caches)",
          "[incidents]") {
  // every report of the syzkaller corpus and the Debian boot, each decoded once alone and then
  // all in one detector after each other twice: the same reports, line for line
  std::vector<std::string> logs;
  for (const char* f : {"/debian/console.txt", "/nokallsyms/console.txt"})
    logs.push_back(read_file(std::string(KLOGD_TEST_DATA) + f));
  auto reports_of = [](IncidentFeed& feed, const std::string& log) {
    for_each_log_line(log, [&](size_t n, std::string_view, const LogLine& l) {
      feed.feed(feed_line(l, l.text, n));
    });
    feed.flush();
  };
  auto text = [](const CrashReport& r) {
    std::string s = std::to_string(r.title_lines) + (r.panicked ? " panicked" : "") +
                    (r.cut ? " cut" : "") + "\n";
    for (const std::string& l : r.lines) s += l + "\n";
    return s;
  };
  std::vector<std::string> alone, together;
  for (const std::string& log : logs) {
    IncidentFeed one([&](CrashReport r) { alone.push_back(text(r)); }, {}, false);
    reports_of(one, log);
  }
  REQUIRE(alone.size() >= 2);
  IncidentFeed both([&](CrashReport r) { together.push_back(text(r)); }, {}, false);
  for (int pass = 0; pass < 2; ++pass)
    for (const std::string& log : logs) reports_of(both, log);
  REQUIRE(together.size() == 2 * alone.size());
  for (size_t i = 0; i < together.size(); ++i) CHECK(together[i] == alone[i % alone.size()]);

  // each report given back to the detector when read (as the live tracker does), its strings
  // holding the next reports' lines: the same reports, handed on at the end line or not
  for (bool at_end : {false, true}) {
    DetectorOptions o;
    o.hand_on_at_end = at_end;
    std::vector<std::string> fresh, recycled;
    for (const std::string& log : logs) {
      IncidentFeed one([&](CrashReport r) { fresh.push_back(text(r)); }, o, false);
      reports_of(one, log);
    }
    IncidentFeed* self = nullptr;
    IncidentFeed again(
        [&](CrashReport r) {
          recycled.push_back(text(r));
          self->recycle(std::move(r));
        },
        o, false);
    self = &again;
    for (int pass = 0; pass < 3; ++pass)
      for (const std::string& log : logs) reports_of(again, log);
    REQUIRE(recycled.size() == 3 * fresh.size());
    for (size_t i = 0; i < recycled.size(); ++i) CHECK(recycled[i] == fresh[i % fresh.size()]);
  }

  // the namer: a repeat whose lines are all known names the same incident; one number changed
  // in a frame's name ("f2fs_" -> "f3fs_" is masked alike, its frames are not) does not
  IncidentTracker t;
  std::vector<FinishedRecord> out;
  uint64_t seq = feed(t, warn_report("T77", "f2fs_warn", "11"), 1, &out);
  seq = feed(t, warn_report("T77", "f2fs_warn", "11"), seq, &out);
  CHECK(t.counters().repeats == 1);
  feed(t, warn_report("T77", "f3fs_warn", "11"), seq, &out);
  CHECK(t.counters().repeats == 1);
  CHECK(t.counters().emitted == 2);
}
