#pragma once
/// GET /metrics over HTTP/1.1 (Boost.Beast), on the daemon's event loop: Prometheus' text
/// format. Never a cost to the record path: at most `max_connections` at once (more are closed
/// at once and counted), each request read within `timeout` with headers of at most
/// `header_limit` bytes and no body, each response taken within `timeout`; a client that is
/// slow, silent or sends junk is cut and counted (EndpointCounters). Keep-alive is honoured.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "metrics/daemon_metrics.h"

namespace klogd {

/// "127.0.0.1:9468", "[::1]:9468", "0.0.0.0:9468", "[::]:9468": an IP literal and a port.
bool parse_listen_address(const std::string& text, boost::asio::ip::tcp::endpoint* out,
                          std::string* err);

class MetricsServer {
 public:
  struct Options {
    boost::asio::ip::tcp::endpoint endpoint;
    size_t max_connections = 16;
    std::chrono::milliseconds timeout{5000};
    size_t header_limit = 8192;
  };
  MetricsServer(boost::asio::io_context& io, Options o, std::function<std::string()> render);
  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  /// Binds and listens; false with *err (address in use, not this host's, ...).
  bool start(std::string* err);
  void stop();
  const EndpointCounters& counters() const;
  boost::asio::ip::tcp::endpoint local_endpoint() const;

 private:
  struct State;
  class Session;
  void accept();
  std::shared_ptr<State> state_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_;
};

}  // namespace klogd
