// The namer: repeats named from memory only when they are the same crash, types and guilty
// functions as the catalog states them, Rust names demangled.
#include "incidents/incident_namer.h"

#include <catch2/catch.hpp>

#include "decode/decode_output.h"
#include "incidents/incident_detector.h"
#include "test_util.h"

using namespace klogd;

namespace {

std::vector<CrashReport> reports(const std::string& log) {
  std::vector<CrashReport> out;
  IncidentFeed d([&](CrashReport r) { out.push_back(std::move(r)); }, {}, false);
  for_each_log_line(log, [&](size_t n, std::string_view, const LogLine& l) {
    d.feed(feed_line(l, l.text, n));
  });
  d.flush();
  return out;
}

std::string warn(const std::string& fn, const std::string& pid, const std::string& rsp) {
  auto l = [](const std::string& t) { return "[  100.000001] " + t + "\n"; };
  return l("------------[ cut here ]------------") +
         l("WARNING: CPU: 1 PID: " + pid + " at drivers/foo.c:29 " + fn + "+0xf/0x20 [foo]") +
         l("CPU: 1 PID: " + pid + " Comm: sh Not tainted 6.1.0-9-amd64 #1") +
         l("RIP: 0010:" + fn + "+0xf/0x20 [foo]") + l("RSP: 0018:" + rsp + " EFLAGS: 00010246") +
         l("Call Trace:") + l(" <TASK>") + l(" foo_write+0x1f/0x9b [foo]") +
         l(" vfs_write+0xc5/0x3a0") + l(" </TASK>") + l("---[ end trace 0000000000000000 ]---");
}

}  // namespace

TEST_CASE("namer: a repeat is named from memory, the same as titled afresh", "[incidents]") {
  IncidentNamer namer, fresh(0);
  auto a = reports(warn("foo_warn", "77", "ffffc90000abfe30"));
  auto b = reports(warn("foo_warn", "4242", "ffffc90000123450"));  // another task, stack
  REQUIRE(a.size() == 1);
  REQUIRE(b.size() == 1);
  Incident first = namer.name(a[0]);
  Incident again = namer.name(b[0]);
  CHECK(namer.recognised() == 1);
  Incident titled = fresh.name(b[0]);
  CHECK(fresh.recognised() == 0);
  CHECK(again.title == "WARNING in foo_warn");
  CHECK(again.title == titled.title);
  CHECK(again.type == titled.type);
  CHECK(again.function == titled.function);
  CHECK(again.fingerprint == titled.fingerprint);
  CHECK(again.fingerprint == first.fingerprint);
  CHECK(again.pid == 4242);  // its own details, not the remembered ones
  CHECK(again.frames == titled.frames);
}

TEST_CASE("namer: a report that masks alike but is another crash is titled afresh", "[incidents]") {
  // face1_warn and face2_warn differ only in a digit of a hex-looking run: the key is the same
  IncidentNamer namer;
  Incident one = namer.name(reports(warn("face1_warn", "77", "ffffc90000abfe30"))[0]);
  Incident two = namer.name(reports(warn("face2_warn", "77", "ffffc90000abfe30"))[0]);
  CHECK(namer.recognised() == 0);
  CHECK(one.title == "WARNING in face1_warn");
  CHECK(two.title == "WARNING in face2_warn");
  // a digit inside a name is kept in the key: foo1 and foo2 are other keys from the start
  Incident three = namer.name(reports(warn("foo3_warn", "77", "ffffc90000abfe30"))[0]);
  CHECK(three.title == "WARNING in foo3_warn");
  CHECK(one.fingerprint != two.fingerprint);
}

TEST_CASE("namer: the type and the guilty function come from the catalog", "[incidents]") {
  IncidentNamer namer;
  // a KCSAN title names its function inside the header's own text
  auto k = reports(
      "[   10.000000] BUG: KCSAN: data-race in tick_nohz_next_event / tick_nohz_stop_tick\n"
      "[   10.000001] read to 0xffffffff85a7f140 of 8 bytes by task 0 on cpu 1:\n"
      "[   10.000002]  tick_nohz_next_event+0x4e/0x2d0\n");
  REQUIRE(k.size() == 1);
  Incident i = namer.name(k[0]);
  CHECK(i.title == "KCSAN: data-race in tick_nohz_next_event / tick_nohz_stop_tick");
  CHECK(i.type == IncidentType::kKcsan);
  CHECK(i.function == "tick_nohz_next_event");  // the first name after its last " in "
  // a Dentry title captures the unmount, which is no function
  auto d = reports(
      "[   10.000000] BUG: Dentry ffff88806a8e2d20{i=0,n=lo}  still in use (1) [unmount of "
      "proc proc]\n");
  REQUIRE(d.size() == 1);
  i = namer.name(d[0]);
  CHECK(i.title == "BUG: Dentry still in use in unmount");
  CHECK(i.type == IncidentType::kBug);
  CHECK(i.function.empty());
}

TEST_CASE("namer: Rust frames are demangled in the title, the function and the frames",
          "[incidents]") {
  auto l = [](const std::string& t) { return "[   50.000000] " + t + "\n"; };
  const std::string log =
      l("rust_kernel: panicked at drivers/android/binder/process.rs:1234:5:") +
      l("attempt to subtract with overflow") +
      l("CPU: 0 PID: 311 Comm: binder Not tainted 6.12.0 #1") + l("Call Trace:") + l(" <TASK>") +
      l(" _RNvCs1234_7___rustc17rust_begin_unwind+0x10/0x20") +
      l(" _RNvMNtCs1234_11rust_binder7processNtB2_7Process10update_ref+0x5c/0x100 [rust_binder]") +
      l(" vfs_ioctl+0x20/0x40") + l(" </TASK>");
  auto r = reports(log);
  REQUIRE(r.size() == 1);
  IncidentNamer namer;
  Incident i = namer.name(r[0]);
  CHECK(i.title ==
        "attempt to subtract with overflow in <rust_binder::process::Process>::update_ref");
  CHECK(i.function == "<rust_binder::process::Process>::update_ref");
  CHECK(i.module == "rust_binder");
  REQUIRE(i.frames.size() == 3);
  CHECK(i.frames[0] == "__rustc::rust_begin_unwind+0x10/0x20");
  CHECK(i.frames[1] == "<rust_binder::process::Process>::update_ref+0x5c/0x100 [rust_binder]");
  CHECK(i.type == IncidentType::kBug);
}

TEST_CASE("namer: a C++ function is titled by its name, without its parameter list",
          "[incidents]") {
  // syzbot titles "WARNING in fakeName", never "WARNING in fakeName(int, int, int)"
  auto r = reports(warn("_Z8fakeNameiii", "77", "ffffc90000abfe30"));
  REQUIRE(r.size() == 1);
  IncidentNamer namer;
  Incident i = namer.name(r[0]);
  CHECK(i.title == "WARNING in fakeName");
  CHECK(i.function == "fakeName");
  CHECK(i.module == "foo");
}
