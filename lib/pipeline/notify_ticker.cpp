#include "pipeline/notify_ticker.h"

#include <systemd/sd-daemon.h>

#include <algorithm>

namespace klogd {

NotifyTicker::NotifyTicker(boost::asio::io_context& io, std::function<std::string()> status)
    : timer_(io), status_(std::move(status)) {}

std::chrono::microseconds NotifyTicker::period(uint64_t watchdog_usec) {
  auto p = std::chrono::microseconds(5000000);
  if (watchdog_usec) p = std::min(p, std::chrono::microseconds(watchdog_usec / 2));
  return p;
}

void NotifyTicker::start() {
  if (sd_watchdog_enabled(0, &watchdog_usec_) <= 0) watchdog_usec_ = 0;
  tick();
}

void NotifyTicker::stop() { timer_.cancel(); }

void NotifyTicker::tick() {
  sd_notify(0, ("STATUS=" + status_()).c_str());
  if (watchdog_usec_) sd_notify(0, "WATCHDOG=1");
  timer_.expires_after(period(watchdog_usec_));
  timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) tick();
  });
}

}  // namespace klogd
