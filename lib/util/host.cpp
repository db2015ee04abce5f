#include "util/host.h"

#include <unistd.h>

#include "util/file_buffer.h"
#include "util/text.h"

namespace klogd {

std::string read_boot_id(const std::string& path) {
  std::string id, err;
  if (!read_small_file(path, &id, &err)) return {};
  trim_right(&id);
  return id;
}

std::string host_name() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0) return {};
  return host;
}

}  // namespace klogd
