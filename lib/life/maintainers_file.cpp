#include "life/maintainers_file.h"

#include <spdlog/spdlog.h>
#include <sys/stat.h>

namespace klogd {

bool maintainers_for(const Config& c, const std::string& release,
                     std::shared_ptr<const Maintainers>* out) {
  out->reset();
  std::string err;
  if (!c.maintainers.empty()) {
    auto m = Maintainers::load(c.maintainers, &err);
    if (!m) {
      spdlog::error("--maintainers {}", err);
      return false;
    }
    *out = std::make_shared<const Maintainers>(std::move(*m));
    return true;
  }
  // The release comes from the log or the kernel: a path component, nothing more.
  if (!c.maintainers_search || release.empty() || release == "." || release == ".." ||
      release.find('/') != std::string::npos)
    return true;
  for (const std::string& dir :
       {"/lib/modules/" + release + "/source", "/lib/modules/" + release + "/build",
        "/usr/src/linux-" + release}) {
    const std::string file = dir + "/MAINTAINERS";
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    auto m = Maintainers::load(file, &err);
    if (!m) {
      spdlog::warn("maintainers: {}", err);
      continue;
    }
    spdlog::info("maintainers: {}", file);
    *out = std::make_shared<const Maintainers>(std::move(*m));
    return true;
  }
  return true;
}

}  // namespace klogd
