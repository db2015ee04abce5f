// The sinks on their own: the file sink's lines (escapes, -2, klogd's own records, SIGHUP's
// reopen), journald's native serialization, the sink set's outage messages.
#include <catch2/catch.hpp>

#include "annotate/notices.h"
#include "sinks/file_sink.h"
#include "sinks/journal_sink.h"
#include "sinks/sink_set.h"
#include "test_util.h"

using namespace klogd;
using namespace klogd::test;

namespace {

FinishedRecord kernel_record(uint64_t seq, std::string text, int level = 6) {
  FinishedRecord r;
  r.record.level = level;
  r.record.seq = seq;
  r.record.ts_usec = 1234567;
  r.text = std::move(text);
  return r;
}

// A sink that refuses while `down` is set.
struct Switch : Sink {
  bool* down;
  std::vector<std::string>* got;
  Switch(bool* d, std::vector<std::string>* g) : down(d), got(g) {}
  bool write(const FinishedRecord& r, std::string* err) override {
    if (*down) {
      *err = "gone";
      return false;
    }
    got->push_back(r.text);
    return true;
  }
  std::string describe() const override { return "switch"; }
};

}  // namespace

TEST_CASE("file sink: klogd's lines, -2, klogd's own records, and a reopen after rotation",
          "[sinks]") {
  std::string dir = temp_dir();
  FileSinkOptions o;
  o.path = dir + "/kern.log";
  o.twice = true;
  FileSink sink(o);
  std::string err;
  REQUIRE(sink.open(&err));
  FinishedRecord r = kernel_record(5, "trace [do_work+0x1a/0x80]\x1b");
  r.translated = true;
  r.original = "trace [<ffffffff8100011a>]";
  REQUIRE(sink.write(r, &err));
  REQUIRE(sink.write(make_notice(missed_notice(3), 1234567, 4), &err));
  REQUIRE(sink.flush(&err));
  CHECK(read_file(o.path) ==
        "<6>[    1.234567] trace [do_work+0x1a/0x80]\\x1b\n"
        "<6>[    1.234567] trace [<ffffffff8100011a>]\n"
        "<4>[    1.234567] klogd: missed 3 kernel messages\n");
  // logrotate moved the file away: SIGHUP's reopen makes a new one
  REQUIRE(::rename(o.path.c_str(), (dir + "/kern.log.1").c_str()) == 0);
  REQUIRE(sink.reopen(&err));
  REQUIRE(sink.write(kernel_record(6, "after"), &err));
  REQUIRE(sink.flush(&err));
  CHECK(read_file(o.path) == "<6>[    1.234567] after\n");
}

TEST_CASE("journald sink: the native protocol's two field forms", "[sinks]") {
  std::string e;
  append_journal_field("MESSAGE", "one line", &e);
  CHECK(e == "MESSAGE=one line\n");
  e.clear();
  append_journal_field("MESSAGE", "two\nlines", &e);
  CHECK(e == std::string("MESSAGE\n\x09\0\0\0\0\0\0\0two\nlines\n", 8 + 8 + 10));
}

TEST_CASE(
    "sink set: an outage is told once when it starts and once when it ends, with the "
    "records it cost",
    "[sinks]") {
  bool down = false;
  std::vector<std::string> got;
  SinkSet set;
  set.add(std::make_unique<Switch>(&down, &got), 200);  // room for about one record
  Notes notes;
  std::vector<FinishedRecord> batch;
  down = true;
  for (int i = 0; i < 5; ++i) {
    batch.push_back(kernel_record(static_cast<uint64_t>(i), "record " + std::to_string(i)));
    set.deliver(&batch, &notes);
  }
  down = false;
  set.deliver(&batch, &notes);
  std::vector<std::string> said;
  for (const Note& n : notes.all()) said.push_back(n.text);
  REQUIRE(said.size() == 2);
  CHECK(said[0] == "switch unavailable (gone): queueing records (up to 200 bytes)");
  CHECK(said[1].rfind("switch is back: queue drained (", 0) == 0);
  CHECK(said[1].find(" records dropped while it was away)") != std::string::npos);
  REQUIRE(!got.empty());
  CHECK(got.front().rfind("klogd: dropped ", 0) == 0);
  CHECK(got.back() == "record 4");
}
