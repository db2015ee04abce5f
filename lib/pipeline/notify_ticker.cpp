#include "pipeline/notify_ticker.h"

#include <algorithm>

#include "util/service_notify.h"

namespace klogd {

NotifyTicker::NotifyTicker(boost::asio::io_context& io, std::function<std::string()> status)
    : timer_(io), status_(std::move(status)) {}

std::chrono::microseconds NotifyTicker::period(uint64_t watchdog_usec) {
  auto p = std::chrono::microseconds(5000000);
  if (watchdog_usec) p = std::min(p, std::chrono::microseconds(watchdog_usec / 2));
  return p;
}

void NotifyTicker::start() {
  watchdog_usec_ = service_watchdog_usec();
  tick();
}

void NotifyTicker::stop() { timer_.cancel(); }

void NotifyTicker::tick() {
  notify_service("STATUS=" + status_());
  if (watchdog_usec_) notify_service("WATCHDOG=1");
  timer_.expires_after(period(watchdog_usec_));
  timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) tick();
  });
}

}  // namespace klogd
