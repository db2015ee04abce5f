#include "util/wall_clock.h"

#include <time.h>

#include <cstdio>

namespace klogd {

int64_t boot_wall_usec() {
  timespec rt{}, mono{};
  clock_gettime(CLOCK_REALTIME, &rt);
  clock_gettime(CLOCK_MONOTONIC, &mono);
  return (static_cast<int64_t>(rt.tv_sec) - mono.tv_sec) * 1000000 +
         (rt.tv_nsec - mono.tv_nsec) / 1000;
}

int64_t wall_now_usec() {
  timespec rt{};
  clock_gettime(CLOCK_REALTIME, &rt);
  return static_cast<int64_t>(rt.tv_sec) * 1000000 + rt.tv_nsec / 1000;
}

namespace {

tm local_time(int64_t wall_usec) {
  time_t t = static_cast<time_t>(wall_usec / 1000000);
  tm local{};
  localtime_r(&t, &local);
  return local;
}

}  // namespace

std::string rfc3164_time(int64_t wall_usec) {
  tm local = local_time(wall_usec);
  char buf[32];
  strftime(buf, sizeof buf, "%b %e %H:%M:%S", &local);
  return buf;
}

std::string rfc5424_time(int64_t wall_usec) {
  tm local = local_time(wall_usec);
  char date[32];
  strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &local);
  long off = local.tm_gmtoff / 60;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s.%06lld%c%02ld:%02ld", date,
                static_cast<long long>(wall_usec % 1000000), off < 0 ? '-' : '+',
                (off < 0 ? -off : off) / 60, (off < 0 ? -off : off) % 60);
  return buf;
}

}  // namespace klogd
