#include "metrics/metrics_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "util/fd_io.h"

namespace klogd {
namespace {
std::string errno_message(const std::string& path) { return path + ": " + std::strerror(errno); }
}  // namespace

bool write_file_atomically(const std::string& path, const std::string& text, std::string* err) {
  const std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    *err = errno_message(tmp);
    return false;
  }
  bool ok = write_all(fd, text);
  if (!ok) *err = errno_message(tmp);
  if (::close(fd) != 0 && ok) {
    *err = errno_message(tmp);
    ok = false;
  }
  if (ok && ::rename(tmp.c_str(), path.c_str()) != 0) {
    *err = errno_message(path);
    ok = false;
  }
  if (!ok) ::unlink(tmp.c_str());
  return ok;
}

MetricsFile::MetricsFile(boost::asio::io_context& io, std::string path,
                         std::chrono::seconds interval, std::function<std::string()> render,
                         std::function<void(const Notes&)> log)
    : timer_(io),
      path_(std::move(path)),
      interval_(interval),
      render_(std::move(render)),
      log_(std::move(log)) {}

bool MetricsFile::start(std::string* err) {
  if (!write_file_atomically(path_, render_(), err)) {
    *err = "metrics file: " + *err;
    return false;
  }
  arm();
  return true;
}

void MetricsFile::stop() {
  if (stopped_) return;
  stopped_ = true;
  timer_.cancel();
  write();
}

void MetricsFile::arm() {
  timer_.expires_after(interval_);
  timer_.async_wait([this](boost::system::error_code ec) {
    if (ec || stopped_) return;
    write();
    arm();
  });
}

void MetricsFile::write() {
  std::string err;
  if (write_file_atomically(path_, render_(), &err)) {
    if (!last_error_.empty()) {
      Notes n;
      n.info("metrics file " + path_ + ": written again");
      log_(n);
    }
    last_error_.clear();
    return;
  }
  if (err != last_error_) {
    Notes n;
    n.warn("metrics file: " + err);
    log_(n);
  }
  last_error_ = err;
}

}  // namespace klogd
