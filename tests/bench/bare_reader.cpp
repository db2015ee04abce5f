// The baseline reader: a bare blocking read() loop on /dev/kmsg from the end, counting the
// records that carry TAG until it sees "TAG end". Prints: received lost_by_sequence_gaps cpu_s
//   bare_reader TAG
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  std::string tag = std::string(argv[1]) + " n=";
  std::string end = std::string(argv[1]) + " end";
  int fd = ::open("/dev/kmsg", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 1;
  ::lseek(fd, 0, SEEK_END);
  std::printf("ready\n");
  std::fflush(stdout);
  char buf[16385];
  long received = 0, gaps = 0, expected = -1;
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf - 1);
    if (n < 0) {
      if (errno == EPIPE || errno == EINTR) continue;
      return 1;
    }
    buf[n] = 0;
    long seq = std::atol(std::strchr(buf, ',') + 1);
    if (expected >= 0 && seq > expected) gaps += seq - expected;
    expected = seq + 1;
    if (std::strstr(buf, tag.c_str())) ++received;
    if (std::strstr(buf, end.c_str())) break;
  }
  rusage ru{};
  ::getrusage(RUSAGE_SELF, &ru);
  double cpu = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
               static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
  std::printf("%ld %ld %.3f\n", received, gaps, cpu);
  return 0;
}
