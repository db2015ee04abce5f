#include "metrics/process_metrics.h"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "util/file_buffer.h"

namespace klogd {
namespace {

// /proc/stat's btime: the boot's wall-clock second.
double boot_time() {
  std::string stat, err;
  if (!read_small_file("/proc/stat", &stat, &err)) return 0;
  size_t at = stat.find("\nbtime ");
  return at == std::string::npos ? 0 : std::strtod(stat.c_str() + at + 7, nullptr);
}

}  // namespace

void append_process_metrics(Exposition* e) {
  const double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(::sysconf(_SC_PAGESIZE));
  std::string stat, err;
  unsigned long long utime = 0, stime = 0, start = 0, vsize = 0;
  long long rss = 0;
  if (read_small_file("/proc/self/stat", &stat, &err)) {
    // after "pid (comm) ": state is field 3; utime 14, stime 15, starttime 22, vsize 23, rss 24
    size_t close = stat.rfind(')');
    if (close != std::string::npos)
      std::sscanf(stat.c_str() + close + 2,
                  "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %*d %*d %*d %*d %*d %*d "
                  "%llu %llu %lld",
                  &utime, &stime, &start, &vsize, &rss);
  }
  e->family("process_cpu_seconds_total", MetricType::kCounter,
            "Total user and system CPU time spent in seconds.");
  e->sample(static_cast<double>(utime + stime) / ticks);
  e->family("process_start_time_seconds", MetricType::kGauge,
            "Start time of the process since unix epoch in seconds.");
  e->sample(boot_time() + static_cast<double>(start) / ticks);
  e->family("process_resident_memory_bytes", MetricType::kGauge, "Resident memory size in bytes.");
  e->sample(static_cast<double>(rss) * page);
  e->family("process_virtual_memory_bytes", MetricType::kGauge, "Virtual memory size in bytes.");
  e->sample(static_cast<uint64_t>(vsize));
  uint64_t fds = 0;
  if (DIR* d = ::opendir("/proc/self/fd")) {
    while (dirent* de = ::readdir(d))
      if (de->d_name[0] != '.') ++fds;
    ::closedir(d);
    --fds;  // the directory's own
  }
  e->family("process_open_fds", MetricType::kGauge, "Number of open file descriptors.");
  e->sample(fds);
  rlimit lim{};
  ::getrlimit(RLIMIT_NOFILE, &lim);
  e->family("process_max_fds", MetricType::kGauge, "Maximum number of open file descriptors.");
  e->sample(static_cast<uint64_t>(lim.rlim_cur));
}

}  // namespace klogd
