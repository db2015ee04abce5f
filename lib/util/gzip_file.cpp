#include "util/gzip_file.h"

#include <zlib.h>

namespace klogd {

bool read_gzip_file(const std::string& path, std::string* out, std::string* err, size_t max_bytes) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) {
    *err = path + ": cannot be opened";
    return false;
  }
  out->clear();
  char buf[65536];
  int n;
  while ((n = gzread(f, buf, sizeof buf)) > 0) {
    out->append(buf, static_cast<size_t>(n));
    if (out->size() > max_bytes) {
      *err = path + ": more than " + std::to_string(max_bytes) + " bytes once decompressed";
      gzclose(f);
      return false;
    }
  }
  int zerr = Z_OK;
  gzerror(f, &zerr);
  bool ok = n == 0 && (zerr == Z_OK || zerr == Z_STREAM_END);
  if (!ok) *err = path + ": not readable as gzip";
  gzclose(f);
  return ok;
}

}  // namespace klogd
