// The forward queue on real files: memory first, spill when the target is down, taken up again
// by the next run (a forked child killed without cleanup stands for kill -9), torn entries, the
// byte limit with exact drop counts.
#include "forward/forward_queue.h"

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <csignal>
#include <filesystem>

#include "annotate/notices.h"
#include "test_util.h"

using namespace klogd;
using namespace klogd::test;

namespace {

std::string frame(int i) { return "frame " + std::to_string(i) + " " + std::string(80, 'x'); }

size_t seg_files(const std::string& dir) {
  size_t n = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    n += e.path().extension() == ".seg";
  return n;
}

// Takes and commits everything; returns the frames' numbers in order, -1 for a drop statement.
std::vector<int> drain(ForwardQueue& q, uint64_t* drops = nullptr) {
  std::vector<int> got;
  ForwardQueue::Batch b;
  while (q.take(&b, 1000, std::chrono::milliseconds(0))) {
    if (drops) *drops += b.drops;
    for (const auto& f : b.frames) got.push_back(std::stoi(f.substr(6)));
    q.commit(b);
  }
  return got;
}

// A run that queued frames 0..9 to one file and exited; returns the file's path.
std::string ten_frames_in_a_file(const std::string& dir) {
  ForwardQueue q({dir, 1 << 20, 1 << 20, 1 << 20});
  std::string report, err;
  REQUIRE(q.open(&report, &err));
  for (int i = 0; i < 10; ++i) q.push(frame(i));
  REQUIRE(q.spill(&err));
  std::string seg;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().extension() == ".seg") seg = e.path();
  return seg;
}

std::vector<int> range(int from, int to) {
  std::vector<int> v;
  for (int i = from; i < to; ++i) v.push_back(i);
  return v;
}

}  // namespace

TEST_CASE("forward queue: while the target is up, frames stay in memory", "[forward_queue]") {
  std::string dir = temp_dir() + "/q";
  ForwardQueue q({dir, 1 << 20, 1 << 20, 4 << 20});
  std::string report, err;
  REQUIRE(q.open(&report, &err));
  CHECK(report.empty());
  q.set_target_up(true);
  for (int i = 0; i < 100; ++i) q.push(frame(i));
  REQUIRE(q.settle(&err));
  CHECK(seg_files(dir) == 0);  // nothing written
  CHECK(q.stats().frames == 100);
  CHECK(drain(q) == range(0, 100));
  CHECK(q.stats().frames == 0);
}

TEST_CASE("forward queue: down target spills, and a killed run's files are sent once by the next",
          "[forward_queue]") {
  std::string dir = temp_dir() + "/q";
  pid_t pid = ::fork();
  if (pid == 0) {  // the "daemon": queues while the target is down, then dies without cleanup
    ForwardQueue* q = new ForwardQueue({dir, 1 << 20, 1 << 20, 4096});
    std::string report, err;
    if (!q->open(&report, &err)) ::_exit(2);
    for (int i = 0; i < 300; ++i) {
      q->push(frame(i));
      if (i % 10 == 9 && !q->settle(&err)) ::_exit(3);
    }
    ::_exit(0);  // like kill -9: no destructor, nothing flushed at exit
  }
  int st = 0;
  ::waitpid(pid, &st, 0);
  REQUIRE(WIFEXITED(st));
  REQUIRE(WEXITSTATUS(st) == 0);
  CHECK(seg_files(dir) > 1);  // 4 KiB files

  {
    ForwardQueue q({dir, 1 << 20, 1 << 20, 4096});
    std::string report, err;
    REQUIRE(q.open(&report, &err));
    CHECK(report.find("300 records waiting in " + dir) != std::string::npos);
    q.set_target_up(true);
    // take part, commit, then "crash" again: the rest is still there, the committed part is not
    ForwardQueue::Batch b;
    REQUIRE(q.take(&b, 1000, std::chrono::milliseconds(0)));
    REQUIRE(!b.frames.empty());
    CHECK(b.first_q == 0);
    q.commit(b);
    size_t first = b.frames.size();
    ForwardQueue q2({dir, 1 << 20, 1 << 20, 4096});
    REQUIRE(q2.open(&report, &err));
    CHECK(drain(q2) == range(static_cast<int>(first), 300));
  }
  ForwardQueue q3({dir, 1 << 20, 1 << 20, 4096});
  std::string report, err;
  REQUIRE(q3.open(&report, &err));
  CHECK(report.empty());
  CHECK(q3.stats().frames == 0);
  CHECK(seg_files(dir) == 0);
}

TEST_CASE("forward queue: a torn entry at the end is cut off, the rest kept", "[forward_queue]") {
  std::string dir = temp_dir() + "/q";
  std::string seg = ten_frames_in_a_file(dir);
  std::string bytes = read_file(seg);
  write_file(seg, bytes + bytes.substr(0, 30));  // half an entry: a write cut by a kill
  ForwardQueue q({dir, 1 << 20, 1 << 20, 1 << 20});
  std::string report, err;
  REQUIRE(q.open(&report, &err));
  CHECK(report.find("10 records waiting") != std::string::npos);
  CHECK(report.find("damaged entry at byte " + std::to_string(bytes.size())) != std::string::npos);
  CHECK(read_file(seg).size() == bytes.size());
  for (int i = 10; i < 12; ++i) q.push(frame(i));
  REQUIRE(q.spill(&err));  // appends after the cut
  CHECK(drain(q) == range(0, 12));
}

TEST_CASE("forward queue: a damaged entry is skipped to the next good one, its loss stated",
          "[forward_queue]") {
  std::string dir = temp_dir() + "/q";
  std::string seg = ten_frames_in_a_file(dir);
  std::string bytes = read_file(seg);
  size_t entry = bytes.size() / 10;
  bytes[5 * entry + 20] ^= 0x55;  // inside the sixth frame's bytes: its crc fails
  write_file(seg, bytes);
  ForwardQueue q({dir, 1 << 20, 1 << 20, 1 << 20});
  std::string report, err;
  REQUIRE(q.open(&report, &err));
  CHECK(report.find("10 records waiting") != std::string::npos);
  CHECK(report.find("damaged entries at bytes " + std::to_string(5 * entry) + "-" +
                    std::to_string(6 * entry) + " skipped (1 records lost)") != std::string::npos);
  // the frames after the damage are delivered, and the one lost is stated before them
  std::vector<int> got;
  uint64_t stated_before_6 = 0, drops = 0, damaged = 0;
  ForwardQueue::Batch b;
  while (q.take(&b, 1000, std::chrono::milliseconds(0))) {
    drops += b.drops;
    damaged += b.damaged;
    for (const auto& f : b.frames) {
      if (std::stoi(f.substr(6)) == 6) stated_before_6 = drops;
      got.push_back(std::stoi(f.substr(6)));
    }
    q.commit(b);
  }
  CHECK(got == std::vector<int>{0, 1, 2, 3, 4, 6, 7, 8, 9});
  CHECK(drops == 1);
  CHECK(damaged == 1);  // said as damage, not as a full queue
  CHECK(forward_loss_notice(drops, damaged, "forward tcp://x:1") ==
        "klogd: dropped 1 records for forward tcp://x:1 (damaged entries in its queue files, "
        "skipped)");
  CHECK(forward_loss_notice(5, 0, "X").find("(queue full)") != std::string::npos);
  CHECK(forward_loss_notice(5, 2, "X") ==
        "klogd: dropped 5 records for X: 3 while it was unavailable (queue full), 2 in damaged "
        "entries of its queue files");
  CHECK(stated_before_6 == 1);
  CHECK(q.stats().dropped == 1);
  CHECK(q.stats().frames == 0);
}

TEST_CASE("forward queue: damage at a segment's end and a missing segment are counted",
          "[forward_queue]") {
  std::string dir = temp_dir() + "/q";
  {
    ForwardQueue q({dir, 1 << 20, 1 << 20, 1000});  // about 9 frames a file
    std::string report, err;
    REQUIRE(q.open(&report, &err));
    for (int i = 0; i < 40; ++i) q.push(frame(i));
    REQUIRE(q.spill(&err));
  }
  std::vector<std::string> segs;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().extension() == ".seg") segs.push_back(e.path());
  std::sort(segs.begin(), segs.end());
  REQUIRE(segs.size() >= 4);
  std::string first = read_file(segs[0]);
  write_file(segs[0], first.substr(0, first.size() - 10));  // its last entry torn
  std::filesystem::remove(segs[1]);                         // a whole file gone
  ForwardQueue q({dir, 1 << 20, 1 << 20, 1000});
  std::string report, err;
  REQUIRE(q.open(&report, &err));
  CHECK(report.find("cut off there") != std::string::npos);
  uint64_t drops = 0;
  std::vector<int> got = drain(q, &drops);
  CHECK(drops > 0);
  CHECK(drops + got.size() == 40);  // every record delivered or stated lost
  CHECK(std::is_sorted(got.begin(), got.end()));
  CHECK(got.back() == 39);
  CHECK(q.stats().frames == 0);
}

TEST_CASE("forward queue: beyond the limit the oldest go, counted exactly", "[forward_queue]") {
  std::string dir = temp_dir() + "/q";
  const size_t limit = 3000;  // about 30 frames of ~100 bytes with headers
  uint64_t drops = 0;
  {
    ForwardQueue q({dir, limit, 1 << 20, 4 << 20});
    std::string report, err;
    REQUIRE(q.open(&report, &err));
    for (int i = 0; i < 200; ++i) {
      q.push(frame(i));
      REQUIRE(q.settle(&err));  // target down: to files
    }
    auto s = q.stats();
    CHECK(s.bytes <= limit);
    CHECK(s.dropped + s.frames == 200);
    CHECK(s.file_frames == s.frames);
  }
  // the count survives a restart, and is stated before the first frame
  ForwardQueue q({dir, limit, 1 << 20, 4 << 20});
  std::string report, err;
  REQUIRE(q.open(&report, &err));
  q.set_target_up(true);
  ForwardQueue::Batch b;
  REQUIRE(q.take(&b, 1 << 20, std::chrono::milliseconds(0)));
  drops = b.drops;
  std::vector<int> got;
  for (const auto& f : b.frames) got.push_back(std::stoi(f.substr(6)));
  q.commit(b);
  std::vector<int> rest = drain(q, &drops);
  got.insert(got.end(), rest.begin(), rest.end());
  CHECK(drops + got.size() == 200);
  CHECK(got == range(static_cast<int>(drops), 200));  // the newest, in order
  REQUIRE(q.take(&b, 1 << 20, std::chrono::milliseconds(0)) == false);
  CHECK(b.drops == 0);  // stated once
}

TEST_CASE("forward queue: frames dropped while in flight but delivered are not counted lost",
          "[forward_queue]") {
  std::string dir = temp_dir() + "/q";
  ForwardQueue q({dir, 2000, 1 << 20, 4 << 20});
  std::string report, err;
  REQUIRE(q.open(&report, &err));
  q.set_target_up(true);
  for (int i = 0; i < 10; ++i) q.push(frame(i));
  ForwardQueue::Batch b;
  REQUIRE(q.take(&b, 1 << 20, std::chrono::milliseconds(0)));
  REQUIRE(b.frames.size() == 10);
  for (int i = 10; i < 30; ++i) q.push(frame(i));  // over the limit: 0.. dropped while in flight
  uint64_t dropped = q.stats().dropped;
  REQUIRE(dropped > 0);
  q.commit(b);  // ... but the sender delivered 0..9
  uint64_t stated = 0;
  std::vector<int> rest = drain(q, &stated);
  CHECK(stated == dropped - 10);
  CHECK(q.stats().dropped == dropped - 10);
  CHECK(10 + stated + rest.size() == 30);
}

TEST_CASE("forward queue: a cursor that cannot be written is said until it can be",
          "[forward_queue]") {
  std::string dir = temp_dir() + "/q";
  ForwardQueue q({dir, 1 << 20, 1 << 20, 1 << 20});
  std::string report, err;
  REQUIRE(q.open(&report, &err));
  for (int i = 0; i < 3; ++i) q.push(frame(i));
  REQUIRE(q.spill(&err));  // in the files: delivery moves the cursor on disk
  ForwardQueue::Batch b;
  REQUIRE(q.take(&b, 100, std::chrono::milliseconds(0)));
  // No file may grow: the cursor's write fails as on a full disk (EFBIG instead of ENOSPC).
  auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
  rlimit saved{};
  ::getrlimit(RLIMIT_FSIZE, &saved);
  rlimit none = saved;
  none.rlim_cur = 0;
  ::setrlimit(RLIMIT_FSIZE, &none);
  q.commit(b);
  bool settled = q.settle(&err);
  ::setrlimit(RLIMIT_FSIZE, &saved);
  std::signal(SIGXFSZ, old_handler);
  CHECK_FALSE(settled);
  CHECK(err.find(dir + "/cursor: ") != std::string::npos);
  CHECK(err.find("sent again after a restart") != std::string::npos);
  // the next write works: nothing more to say
  REQUIRE(q.take(&b, 100, std::chrono::milliseconds(0)));
  q.commit(b);
  err.clear();
  CHECK(q.settle(&err));
  CHECK(err.empty());
}
