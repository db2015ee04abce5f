// Where a restarted daemon resumes: the saved position, unless it cannot be this ring's.
#include "kmsg/restart_point.h"

#include <catch2/catch.hpp>

using namespace klogd;

TEST_CASE("restart point: the saved position, unless it is past the ring's newest record",
          "[kmsg]") {
  CHECK_FALSE(choose_restart_point(std::nullopt, 100).resume_at);  // first start, another boot
  CHECK(choose_restart_point(50, 100).resume_at == 50u);
  CHECK(choose_restart_point(101, 100).resume_at == 101u);  // everything delivered: wait for more
  CHECK(choose_restart_point(7, std::nullopt).resume_at == 7u);  // an empty ring proves nothing
  RestartPoint past = choose_restart_point(5000, 100);
  CHECK_FALSE(past.resume_at);
  CHECK(past.warning ==
        "the saved position 5000 is past the newest record in the kernel's ring (100): it cannot "
        "be this ring's; reading from the oldest record");
}
