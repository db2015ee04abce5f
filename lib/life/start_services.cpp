// Phases 6 and 8 of the daemon's start and stop (life/start_phases.h): the threads and services.
#include <pthread.h>
#include <sched.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

#include "life/diagnostics.h"
#include "life/maintainers_file.h"
#include "life/privileges.h"
#include "life/start_phases.h"
#include "symbols/kernel_release.h"

namespace klogd {
namespace {

constexpr int kLoopNice = 5;  // the loop thread's nice value, the reader's is 0

// At normal priority, the loop thread yields to the reader: on a busy CPU, what loses records
// is the reader waiting for one (the loop has a ring of slack; the kernel's ring has none).
// SCHED_BATCH: its wake-ups do not preempt the reader; nice 5: a smaller share beside it. A
// SCHED_FIFO reader needs no such help, and the loop must then hold its own against a flood's
// writer on the other CPU.
void let_the_reader_first() {
  sched_param none{};
  ::pthread_setschedparam(::pthread_self(), SCHED_BATCH, &none);
  ::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), kLoopNice);
}

// Source lines: the incidents' guilty lines, and with --source-lines every frame's. Nothing is
// opened before a frame needs it, and then as the user klogd runs as.
std::unique_ptr<SourceService> source_service(DaemonParts& d) {
  const SourceLinesConfig& s = *d.config.source_lines;
  SourceServiceOptions so;
  so.debuginfo = s.debuginfo;
  so.release = s.release.value_or("");
  so.running_kernel = !d.config.replay;  // a replay's kernel is not this one
  so.debuginfod = debuginfod_configured();
  so.idle_close = s.idle;
  return std::make_unique<SourceService>(d.io, so, log_notes);
}

MetricSources metric_sources(DaemonParts& d) {
  const Config& c = d.config;
  MetricSources m;
  m.version = KLOGD_VERSION;
  m.records = &d.processor->counters();
  m.overruns = [reader = d.reader.get()] { return reader->overruns(); };
  m.sinks = &d.sinks;
  m.incidents = d.incidents.get();
  m.symbolizer = &d.symbolizer;
  m.translate = c.translate;
  m.previous = c.harvest ? &d.previous_counts : nullptr;
  m.source_lines = d.source_lines.get();
  return m;
}

}  // namespace

bool start_services(DaemonParts& d, std::string* err) {
  const Config& c = d.config;
  if (!d.reader) {
    d.ring = std::make_unique<RecordRing>(kRingBytes);
    d.reader = std::make_unique<ReadingThread>(&d.source, d.ring.get(), !c.daemon && !c.replay);
  }
  if (!d.sinks.start(err)) return false;
  const bool realtime =
      (d.reader->start(c.reader_priority, err) && c.reader_priority > 0) || d.reader_parked;
  if (!err->empty()) spdlog::warn("{}", *err);
  err->clear();
  if (!realtime) let_the_reader_first();
  spdlog::debug("source: {}", d.source.describe());
  PipelineOptions po;
  po.source_kind = c.source_kind;
  d.pipeline = std::make_unique<Pipeline>(
      d.io, d.ring.get(), d.processor.get(), &d.sinks,
      d.restart_state_open ? &d.restart_state : nullptr, po,
      Pipeline::Hooks{[keeper = d.keeper.get()] { keeper->module_miss(); }, log_notes,
                      [&d](int status) {
                        d.status = status;
                        d.io.stop();
                      }});
  if (c.incident_records) {
    IncidentTrackerOptions to;
    to.window = c.incident_window;
    to.keep_style = annotated_in_keep_style(d.annotator->options());
    if (!maintainers_for(d.config, running_release(KernelPaths{}), &to.maintainers)) {
      *err = "--maintainers: cannot be used";
      return false;
    }
    d.incidents = std::make_unique<IncidentTracker>(to);
    d.pipeline->set_incidents(d.incidents.get());
  }
  if (c.source_lines) {
    d.source_lines = source_service(d);
    d.pipeline->set_source_lines(d.source_lines.get(), c.source_lines->decorate);
  }
  d.pipeline->set_first_records(std::move(d.first_records));
  if (d.pstore_state.is_open()) d.pipeline->set_delivered_clock(&d.pstore_state);
  d.metrics = std::make_unique<MetricsOutputs>(d.io, c.metrics, metric_sources(d));
  if (!d.metrics->start(err)) return false;
  d.ticker = std::make_unique<NotifyTicker>(d.io, [processor = d.processor.get()] {
    const auto& n = processor->counters();
    return "records " + std::to_string(n.records) + ", translated " + std::to_string(n.translated) +
           ", missed " + std::to_string(n.missed) + ", malformed " + std::to_string(n.malformed);
  });
  return true;
}

void stop_services(DaemonParts& d) {
  if (d.keeper) d.keeper->stop();
  if (d.reader) d.reader->stop();
  if (d.ticker) d.ticker->stop();
  if (d.metrics) d.metrics->stop();
  if (!d.processor) return;
  const auto& c = d.processor->counters();
  spdlog::debug("records {}, translated {}, missed {}, malformed {}, skipped {}", c.records,
                c.translated, c.missed, c.malformed, c.skipped);
  if (c.skipped) spdlog::info("skipped {} records forwarded before the restart", c.skipped);
}

bool park_realtime_reader(DaemonParts& d) {
  const int policy = ::sched_getscheduler(0);
  if (policy != SCHED_FIFO && policy != SCHED_RR) return false;
  // Every thread made from here on inherits the main thread's scheduling: the reader is made
  // first and keeps it, then the main thread goes to normal priority. Only when the reader has
  // nothing the main thread will give up later (a user to drop to, capabilities to drop).
  const bool can_park = !d.config.user && holds_syslog_at_most();
  if (can_park) {
    d.ring = std::make_unique<RecordRing>(kRingBytes);
    d.reader = std::make_unique<ReadingThread>(&d.source, d.ring.get(),
                                               !d.config.daemon && !d.config.replay);
    d.reader->park();
    d.reader_parked = true;
  }
  sched_param none{};
  ::pthread_setschedparam(::pthread_self(), SCHED_OTHER, &none);
  if (!can_park)
    spdlog::warn(
        "started at real-time priority, which the reading thread cannot keep here "
        "(root, --user or capabilities to drop): it runs at normal priority");
  return can_park;
}

}  // namespace klogd
