#include "util/gzip_file.h"

#include <zlib.h>

namespace klogd {

bool read_gzip_file(const std::string& path, std::string* out, std::string* err) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) {
    *err = path + ": cannot be opened";
    return false;
  }
  out->clear();
  char buf[65536];
  int n;
  while ((n = gzread(f, buf, sizeof buf)) > 0) out->append(buf, static_cast<size_t>(n));
  bool ok = n == 0;
  if (!ok) *err = path + ": not readable as gzip";
  gzclose(f);
  return ok;
}

}  // namespace klogd
