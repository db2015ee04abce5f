// The bounded queue in front of a sink, with a real failing device: /dev/full (ENOSPC).
#include "sinks/queued_sink.h"

#include <catch2/catch.hpp>

#include "annotate/record_processor.h"
#include "sinks/file_sink.h"
#include "test_util.h"

using namespace klogd;

namespace {
FinishedRecord rec(int i) {
  FinishedRecord r;
  r.record.seq = static_cast<uint64_t>(i);
  r.text = "record " + std::to_string(i) + " " + std::string(100, 'x');
  return r;
}
}  // namespace

TEST_CASE("queued sink: a full disk keeps records queued, bounded, drops counted",
          "[queued_sink]") {
  FileSinkOptions fo;
  fo.path = "/dev/full";
  auto file = std::make_unique<FileSink>(fo);
  std::string err;
  REQUIRE(file->open(&err));
  QueuedSink q(std::move(file), 2000);  // about 11 records of this size
  for (int i = 0; i < 50; ++i) {
    q.push(rec(i));
    q.drain(&err);
  }
  CHECK(q.down());
  CHECK(err.find("/dev/full: No space left on device") != std::string::npos);
  CHECK(q.queued_bytes() <= 2000 + 300);
  CHECK(q.dropped_total() + q.queued() + 1 == 50);  // one record sits in the file sink's buffer
  CHECK(q.oldest_queued_seq() == 50 - q.queued());  // the newest are kept
  CHECK(q.oldest_volatile_seq() == 0);  // record 0, in the file sink's buffer: not on disk
}

TEST_CASE("queued sink: recovery drains in order after an exact drop notice", "[queued_sink]") {
  // A sink that is down until told otherwise.
  struct Flaky : Sink {
    bool up = false;
    std::vector<std::string> got;
    bool write(const FinishedRecord& r, std::string* err) override {
      if (!up) {
        *err = "down";
        return false;
      }
      got.push_back(r.synthetic ? r.text : r.text.substr(0, r.text.find(' ', 7)));
      return true;
    }
    std::string describe() const override { return "flaky"; }
  };
  auto flaky = std::make_unique<Flaky>();
  Flaky* f = flaky.get();
  QueuedSink q(std::move(flaky), 1000);
  std::string err;
  for (int i = 0; i < 20; ++i) {
    q.push(rec(i));
    CHECK_FALSE(q.drain(&err));
  }
  uint64_t dropped = q.dropped_total();
  CHECK(dropped == 20 - q.queued());
  f->up = true;
  CHECK(q.drain(&err));
  REQUIRE(f->got.size() == q.queued() + 1 + (20 - dropped));
  CHECK(f->got[0].rfind("klogd: dropped " + std::to_string(dropped) + " records", 0) == 0);
  for (size_t k = 1; k < f->got.size(); ++k)
    CHECK(f->got[k] == "record " + std::to_string(dropped + k - 1));
}
