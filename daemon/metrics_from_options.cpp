#include "metrics_from_options.h"

#include "diagnostics.h"

namespace klogd {

DaemonMetrics::DaemonMetrics(boost::asio::io_context& io, const Options& o, MetricSources sources)
    : sources_(std::move(sources)) {
  if (o.metrics_listen) {
    MetricsServer::Options so;
    so.endpoint = *o.metrics_listen;
    server_ = std::make_unique<MetricsServer>(io, so, [this] { return render_metrics(sources_); });
    sources_.endpoint = &server_->counters();
  }
  if (!o.metrics_file.empty()) {
    file_ = std::make_unique<MetricsFile>(
        io, o.metrics_file, std::chrono::seconds(o.metrics_interval),
        [this] {
          MetricSources s = sources_;
          s.process = false;  // node_exporter exports its own process_* (a clash otherwise)
          return render_metrics(s);
        },
        log_notes);
  }
}

bool DaemonMetrics::start(std::string* err) {
  if (server_ && !server_->start(err)) return false;
  if (file_ && !file_->start(err)) return false;
  return true;
}

void DaemonMetrics::stop() {
  if (server_) server_->stop();
  if (file_) file_->stop();
}

}  // namespace klogd
