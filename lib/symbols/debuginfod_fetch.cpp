#include "symbols/debuginfod_fetch.h"

#include <cstdlib>

#include "symbols/debug_info.h"
#include "util/plugin.h"

namespace klogd {

bool debuginfod_configured() {
  const char* urls = std::getenv("DEBUGINFOD_URLS");
  return urls && *urls;
}

std::string fetch_debuginfo(const std::string& build_id, std::chrono::milliseconds max_time,
                            std::string* err, const std::atomic<bool>* cancel) {
  using Fetch = void (*)(const std::string&, std::chrono::milliseconds, std::string*,
                         const std::atomic<bool>*, std::string*);
  auto fetch =
      reinterpret_cast<Fetch>(plugin_symbol(kDebuginfoPlugin, "klogd_debuginfod_fetch", err));
  if (!fetch) return "";
  std::string path;
  fetch(build_id, max_time, err, cancel, &path);
  return path;
}

}  // namespace klogd
