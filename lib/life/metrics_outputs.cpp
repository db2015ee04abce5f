#include "life/metrics_outputs.h"

#include "life/diagnostics.h"

namespace klogd {

MetricsOutputs::MetricsOutputs(boost::asio::io_context& io, const MetricsConfig& c,
                               MetricSources sources)
    : sources_(std::move(sources)) {
  if (c.listen) {
    MetricsServer::Options so;
    so.endpoint = *c.listen;
    server_ = std::make_unique<MetricsServer>(io, so, [this] { return render_metrics(sources_); });
    sources_.endpoint = &server_->counters();
  }
  if (c.file) {
    file_ = std::make_unique<MetricsFile>(
        io, *c.file, c.interval,
        [this] {
          MetricSources s = sources_;
          s.process = false;  // node_exporter exports its own process_* (a clash otherwise)
          return render_metrics(s);
        },
        log_notes);
  }
}

bool MetricsOutputs::start(std::string* err) {
  if (server_ && !server_->start(err)) return false;
  if (file_ && !file_->start(err)) return false;
  return true;
}

void MetricsOutputs::stop() {
  if (server_) server_->stop();
  if (file_) file_->stop();
}

}  // namespace klogd
