// Writes numbered records into /dev/kmsg from one writer: as fast as possible, or at a given
// rate. Needs kernel.printk_devkmsg=on (flood.sh sets and restores it).
//   kmsg_flood TAG COUNT [RATE_PER_SECOND]
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: kmsg_flood TAG COUNT [RATE]\n");
    return 2;
  }
  std::string tag = argv[1];
  long count = std::atol(argv[2]);
  double rate = argc > 3 ? std::atof(argv[3]) : 0;
  int fd = ::open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
  if (fd < 0) return 1;
  auto start = std::chrono::steady_clock::now();
  char buf[256];
  long failed = 0;
  for (long i = 0; i < count; ++i) {
    if (rate > 0) {
      auto due = start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                             std::chrono::duration<double>(static_cast<double>(i) / rate));
      std::this_thread::sleep_until(due);
    }
    int n = std::snprintf(buf, sizeof buf, "<6>%s n=%ld\n", tag.c_str(), i);
    if (::write(fd, buf, static_cast<size_t>(n)) != n) ++failed;
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%ld %.3f %ld\n", count, secs, failed);
  return 0;
}
