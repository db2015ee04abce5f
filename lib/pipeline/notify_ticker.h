#pragma once
/// systemd's view of the running daemon (sd_notify): STATUS= with the record counts every few
/// seconds, and WATCHDOG=1 at half of WatchdogSec when the unit has a watchdog; on the loop, so a
/// stuck loop stops the pings and systemd restarts klogd. Nothing is sent outside systemd
/// (no NOTIFY_SOCKET).

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "pipeline/asio.h"

namespace klogd {

class NotifyTicker {
 public:
  /// `status` makes the STATUS= text each time.
  NotifyTicker(boost::asio::io_context& io, std::function<std::string()> status);
  /// Asks systemd for the watchdog interval, sends the first status, and keeps ticking.
  void start();
  void stop();
  /// The period between ticks: 5 s, or half the watchdog interval when that is shorter.
  static std::chrono::microseconds period(uint64_t watchdog_usec);

 private:
  void tick();
  boost::asio::steady_timer timer_;
  std::function<std::string()> status_;
  uint64_t watchdog_usec_ = 0;
};

}  // namespace klogd
