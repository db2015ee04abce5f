// The forward sender's in-flight accounting: a batch leaves the queue only when the collector
// took all of it; after a failure, exactly the taken head.
#include "forward/in_flight.h"

#include <catch2/catch.hpp>

using namespace klogd;

namespace {

ForwardQueue::Batch batch(uint64_t first_q, size_t frames, uint64_t drops = 0) {
  ForwardQueue::Batch b;
  b.first_q = first_q;
  b.drops = drops;
  for (size_t i = 0; i < frames; ++i) {
    b.frames.push_back("m");
    b.qs.push_back(first_q + i);
  }
  return b;
}

}  // namespace

TEST_CASE("in flight: whole batches are committed once taken, in order", "[forward]") {
  std::vector<ForwardQueue::Batch> committed;
  InFlight f([&](const ForwardQueue::Batch& b) { committed.push_back(b); });
  f.sent(batch(0, 3), {10, 20, 30}, 3);
  f.sent(batch(3, 2), {40, 50}, 2);
  f.settle(25, false);  // the first batch is not all taken yet
  CHECK(committed.empty());
  f.settle(30, false);
  REQUIRE(committed.size() == 1);
  CHECK(committed[0].end_q() == 3);
  f.settle(50, false);
  REQUIRE(committed.size() == 2);
  CHECK(committed[1].first_q == 3);
  CHECK(f.empty());
}

TEST_CASE("in flight: after a failure the taken head is committed, the rest goes again",
          "[forward]") {
  std::vector<ForwardQueue::Batch> committed;
  InFlight f([&](const ForwardQueue::Batch& b) { committed.push_back(b); });
  // a drop statement first, then 4 frames; the send failed after 3 messages
  f.sent(batch(10, 4, 7), {5, 15, 25}, 5);
  f.settle(15, true);  // the statement and the first frame were taken
  REQUIRE(committed.size() == 1);
  CHECK(committed[0].drops == 7);
  CHECK(committed[0].qs == std::vector<uint64_t>{10});
  committed.clear();
  // nothing of a batch taken, not even its statement: nothing committed, the drops stay unstated
  InFlight g([&](const ForwardQueue::Batch& b) { committed.push_back(b); });
  g.sent(batch(20, 2, 3), {100, 110}, 3);
  g.settle(99, true);
  CHECK(committed.empty());
  // only the statement taken: committed with no frames, the drops stated
  InFlight h([&](const ForwardQueue::Batch& b) { committed.push_back(b); });
  h.sent(batch(20, 2, 3), {100, 110}, 3);
  h.settle(100, true);
  REQUIRE(committed.size() == 1);
  CHECK(committed[0].drops == 3);
  CHECK(committed[0].qs.empty());
}
