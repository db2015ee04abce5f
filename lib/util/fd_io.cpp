#include "util/fd_io.h"

#include <unistd.h>

#include <cerrno>

namespace klogd {

bool write_all(int fd, std::string_view data, size_t* written) {
  size_t done = 0;
  bool ok = true;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      ok = false;
      break;
    }
    done += static_cast<size_t>(n);
  }
  if (written) *written = done;
  return ok;
}

bool read_all(int fd, std::string* out, size_t max_bytes) {
  char chunk[65536];
  for (;;) {
    ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    if (n == 0) return true;
    if (out->size() + static_cast<size_t>(n) > max_bytes) {
      errno = EFBIG;
      return false;
    }
    out->append(chunk, static_cast<size_t>(n));
  }
}

}  // namespace klogd
