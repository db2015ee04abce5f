#pragma once
/// Where the daemon's metrics go, as the configuration says: the /metrics endpoint
/// (--metrics-listen) and the textfile (--metrics-file), both on the loop thread, both started
/// after the privilege drop. The metrics themselves are rendered from every layer's counters
/// (metrics/daemon_metrics.h).
#include <boost/asio/io_context.hpp>
#include <memory>
#include <string>

#include "life/config.h"
#include "metrics/daemon_metrics.h"
#include "metrics/metrics_file.h"
#include "metrics/metrics_server.h"

namespace klogd {

class MetricsOutputs {
 public:
  MetricsOutputs(boost::asio::io_context& io, const MetricsConfig& c, MetricSources sources);
  /// Binds the endpoint and writes the file once: false with *err when either cannot be (the
  /// daemon then refuses to start: a fleet's dashboard would miss this host without a word).
  bool start(std::string* err);
  /// At exit: the file written a last time.
  void stop();

 private:
  MetricSources sources_;
  std::unique_ptr<MetricsServer> server_;
  std::unique_ptr<MetricsFile> file_;
};

}  // namespace klogd
