// The reading thread on the real /dev/kmsg and on a saved capture: the end of input, a drained
// ring (EAGAIN) in one-shot mode, the kernel overwriting what was not read yet (EPIPE), and a
// stop that ends a blocked wait. (A system test: it fills the kernel's ring.)
#include "kmsg/reading_thread.h"

#include <catch2/catch.hpp>

#include "test_util.h"

using namespace klogd;
using namespace klogd::test;

namespace {

struct Drained {
  std::string bytes;  // the records and chunks, one after the other
  size_t records = 0, overruns = 0;
  bool ended = false;
  std::string error;
};

// Takes what the ring holds until the reader has put its end (or an error), or 10 s.
Drained drain(RecordRing& ring) {
  Drained d;
  wait_until([&] {
    RecordRing::Entry e;
    while (ring.peek(&e)) {
      if (e.kind == RecordRing::Kind::kRecord) ++d.records;
      if (e.kind == RecordRing::Kind::kOverrun) ++d.overruns;
      if (e.kind == RecordRing::Kind::kEnd) d.ended = true;
      if (e.kind == RecordRing::Kind::kError) d.error.assign(e.bytes);
      if (e.kind == RecordRing::Kind::kRecord || e.kind == RecordRing::Kind::kChunk)
        d.bytes.append(e.bytes).push_back('\n');
      ring.pop();
    }
    return d.ended || !d.error.empty();
  });
  return d;
}

// kernel.printk_devkmsg=on while it lives (writes to /dev/kmsg are not rate-limited), restored.
struct DevkmsgOn {
  std::string before = read_file("/proc/sys/kernel/printk_devkmsg");
  DevkmsgOn() { write_file("/proc/sys/kernel/printk_devkmsg", "on\n"); }
  ~DevkmsgOn() { write_file("/proc/sys/kernel/printk_devkmsg", before); }
};

}  // namespace

TEST_CASE("reading thread: a saved capture read to its end", "[kmsg]") {
  const std::string dir = temp_dir();
  write_capture(dir + "/capture", {"one", "two", "three"});
  LogSource source;
  std::string err;
  REQUIRE(source.open(LogSource::Kind::kCapture, dir + "/capture", &err));
  RecordRing ring(1 << 20);
  ReadingThread reader(&source, &ring, false);
  REQUIRE(reader.start(0, &err));
  Drained d = drain(ring);
  CHECK(d.ended);
  CHECK(d.error.empty());
  CHECK(d.bytes.find("14,3,3000,-;three") != std::string::npos);
  reader.stop();
}

TEST_CASE("reading thread: one-shot reads what /dev/kmsg holds, and ends when it is drained",
          "[kmsg]") {
  const std::string tag = unique_tag("one-shot");
  REQUIRE(inject_kmsg("<6>" + tag + "\n"));
  LogSource source;
  std::string err;
  if (!source.open(LogSource::Kind::kDevice, "/dev/kmsg", &err)) skip_test(err);
  RecordRing ring(4 << 20);
  ReadingThread reader(&source, &ring, true);
  REQUIRE(reader.start(0, &err));
  Drained d = drain(ring);
  CHECK(d.ended);  // EAGAIN: drained, and one-shot ends there
  CHECK(d.records > 0);
  CHECK(d.bytes.find(tag) != std::string::npos);
}

TEST_CASE("reading thread: records the kernel overwrote before the read are an overrun",
          "[kmsg]") {
  LogSource source;
  std::string err;
  if (!source.open(LogSource::Kind::kDevice, "/dev/kmsg", &err)) skip_test(err);
  // the reader stands at the oldest record; then more than the kernel's ring (128 KiB here) is
  // written: what it stood at is gone, and its first read() says so (EPIPE)
  const std::string tag = unique_tag("overrun");
  {
    DevkmsgOn on;
    const std::string filler(800, 'x');
    for (int i = 0; i < 400; ++i)
      REQUIRE(inject_kmsg("<6>" + tag + " " + std::to_string(i) + " " + filler + "\n"));
  }
  RecordRing ring(8 << 20);
  ReadingThread reader(&source, &ring, true);
  REQUIRE(reader.start(0, &err));
  Drained d = drain(ring);
  CHECK(d.overruns == 1);
  CHECK(reader.overruns() == 1);
  CHECK(d.ended);
  CHECK(d.bytes.find(tag + " 399 ") != std::string::npos);  // reading went on, to the newest
}

TEST_CASE("reading thread: stop ends a wait for records that do not come", "[kmsg]") {
  LogSource source;
  std::string err;
  if (!source.open(LogSource::Kind::kDevice, "/dev/kmsg", &err)) skip_test(err);
  RecordRing ring(4 << 20);
  ReadingThread reader(&source, &ring, false);
  REQUIRE(reader.start(0, &err));
  // everything the ring held, then the thread waits in poll()
  wait_until([&] {
    RecordRing::Entry e;
    bool any = false;
    while (ring.peek(&e)) {
      any = true;
      ring.pop();
    }
    return !any;
  });
  reader.stop();  // returns: the wait was ended (a hang here fails the test by its timeout)
  RecordRing::Entry e;
  CHECK_FALSE((ring.peek(&e) && e.kind == RecordRing::Kind::kError));
}
