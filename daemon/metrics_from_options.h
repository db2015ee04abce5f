#pragma once
// The metrics the options ask for: the /metrics endpoint (--metrics-listen) and the textfile
// (--metrics-file), both on the loop thread, both started after the privilege drop.
#include <boost/asio/io_context.hpp>
#include <memory>
#include <string>

#include "metrics/daemon_metrics.h"
#include "metrics/metrics_file.h"
#include "metrics/metrics_server.h"
#include "options.h"

namespace klogd {

class DaemonMetrics {
 public:
  DaemonMetrics(boost::asio::io_context& io, const Options& o, MetricSources sources);
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
