// The debug-info plugin's debuginfod client (libdebuginfod: libcurl and its TLS, Kerberos and
// more, mapped only once a fetch is asked for).
#include <elfutils/debuginfod.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <memory>

#include "symbols/debuginfod_fetch.h"

namespace klogd {
namespace {

using Clock = std::chrono::steady_clock;

struct Deadline {
  Clock::time_point at;
  const std::atomic<bool>* cancel;
  bool passed = false;
};

// libdebuginfod calls it while a transfer runs, data or not: a non-zero answer cancels it.
int check_deadline(debuginfod_client* c, long, long) {
  auto* d = static_cast<Deadline*>(debuginfod_get_user_data(c));
  if (d->cancel && d->cancel->load()) return 1;
  if (Clock::now() < d->at) return 0;
  d->passed = true;
  return 1;
}

}  // namespace

std::string debuginfod_fetch(const std::string& build_id, std::chrono::milliseconds max_time,
                             std::string* err, const std::atomic<bool>* cancel) {
  const char* urls = std::getenv("DEBUGINFOD_URLS");
  const std::string servers = urls ? urls : "";
  std::unique_ptr<debuginfod_client, void (*)(debuginfod_client*)> c(debuginfod_begin(),
                                                                     debuginfod_end);
  if (!c) {
    *err = "debuginfod: cannot start a client";
    return "";
  }
  Deadline d{Clock::now() + max_time, cancel};
  debuginfod_set_user_data(c.get(), &d);
  debuginfod_set_progressfn(c.get(), check_deadline);
  char* path = nullptr;
  int fd = debuginfod_find_debuginfo(
      c.get(), reinterpret_cast<const unsigned char*>(build_id.c_str()), 0, &path);
  if (fd < 0) {
    if (cancel && cancel->load())
      *err = "debuginfod: " + build_id + ": given up (klogd is stopping)";
    else if (d.passed)
      *err = "debuginfod: " + build_id + ": no answer from " + servers + " within " +
             std::to_string(max_time.count() / 1000) + " s";
    else if (fd == -ENOENT)
      *err = "debuginfod: " + build_id + ": not found on " + servers;
    else
      *err = "debuginfod: " + build_id + ": " + std::strerror(-fd) + " (" + servers + ")";
    return "";
  }
  ::close(fd);
  std::string out = path ? path : "";
  std::free(path);
  if (out.empty()) *err = "debuginfod: " + build_id + ": no path in the cache";
  return out;
}

}  // namespace klogd

// The path in *path ("" when not fetched): a C function returns no std::string.
extern "C" __attribute__((visibility("default"))) void klogd_debuginfod_fetch(
    const std::string& build_id, std::chrono::milliseconds max_time, std::string* err,
    const std::atomic<bool>* cancel, std::string* path) {
  *path = klogd::debuginfod_fetch(build_id, max_time, err, cancel);
}
