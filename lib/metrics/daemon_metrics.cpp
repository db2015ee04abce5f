#include "metrics/daemon_metrics.h"

#include "forward/forward_sink.h"
#include "metrics/exposition.h"
#include "metrics/process_metrics.h"
#include "util/file_buffer.h"
#include "util/text.h"

namespace klogd {
namespace {

constexpr const char* kLevels[8] = {"emerg",   "alert",  "crit", "err",
                                    "warning", "notice", "info", "debug"};

constexpr IncidentType kTypes[] = {
    IncidentType::kOops,       IncidentType::kBug,        IncidentType::kWarning,
    IncidentType::kPanic,      IncidentType::kHungTask,   IncidentType::kRcuStall,
    IncidentType::kSoftLockup, IncidentType::kHardLockup, IncidentType::kOom,
    IncidentType::kKasan,      IncidentType::kKmsan,      IncidentType::kKcsan,
    IncidentType::kKfence,     IncidentType::kUbsan,      IncidentType::kLockdep,
    IncidentType::kLeak,       IncidentType::kRefcount,   IncidentType::kOther};

// A kernel counter file (/sys/kernel/oops_count): absent before Linux 6.2.
bool kernel_count(const std::string& path, uint64_t* value) {
  std::string text, err;
  if (!read_small_file(path, &text, &err)) return false;
  std::optional<uint64_t> v = parse_decimal(trim_right(text));
  if (v) *value = *v;
  return v.has_value();
}

void sinks(const SinkSet& set, Exposition* e) {
  e->family("klogd_sink_queued_records", MetricType::kGauge,
            "Records waiting in a sink's queue in klogd's memory.");
  for (size_t i = 0; i < set.size(); ++i) {
    const QueuedSink& q = set.at(i);
    e->sample(static_cast<uint64_t>(q.queued()), {{"sink", q.sink().describe()}});
  }
  e->family("klogd_sink_dropped_records_total", MetricType::kCounter,
            "Records a sink's full queue dropped (each drop is also stated in the log).");
  for (size_t i = 0; i < set.size(); ++i)
    e->sample(set.at(i).dropped_total(), {{"sink", set.at(i).sink().describe()}});
  e->family("klogd_sink_up", MetricType::kGauge,
            "1 while the sink takes records, 0 while it is away.");
  for (size_t i = 0; i < set.size(); ++i)
    e->sample(static_cast<uint64_t>(set.at(i).down() ? 0 : 1),
              {{"sink", set.at(i).sink().describe()}});
}

// One sample per incident type, 0 included: a type's series exists before its first incident.
void by_type(const std::map<IncidentType, uint64_t>& counts, Exposition* e) {
  for (IncidentType t : kTypes) {
    auto it = counts.find(t);
    e->sample(it == counts.end() ? uint64_t{0} : it->second, {{"type", to_string(t)}});
  }
}

void forward_targets(const SinkSet& set, Exposition* e) {
  std::vector<const ForwardSink*> targets;
  std::vector<ForwardQueue::Stats> stats;
  for (size_t i = 0; i < set.size(); ++i) {
    if (auto* f = dynamic_cast<const ForwardSink*>(&set.at(i).sink())) {
      targets.push_back(f);
      stats.push_back(f->stats());
    }
  }
  if (targets.empty()) return;
  auto each = [&](auto value) {
    for (size_t i = 0; i < targets.size(); ++i)
      e->sample(value(i), {{"target", targets[i]->url()}});
  };
  e->family("klogd_forward_delivered_records_total", MetricType::kCounter,
            "Records the collector took (TCP/TLS: written; RELP: acknowledged).");
  each([&](size_t i) { return stats[i].delivered; });
  e->family("klogd_forward_dropped_records_total", MetricType::kCounter,
            "Records dropped because the target's queue was full (memory and files).");
  each([&](size_t i) { return stats[i].dropped; });
  e->family("klogd_forward_queued_records", MetricType::kGauge,
            "Records waiting for the target, in memory and in the queue's files.");
  each([&](size_t i) { return stats[i].frames; });
  e->family("klogd_forward_queued_bytes", MetricType::kGauge,
            "Bytes waiting for the target, by where they are (memory, files).");
  for (size_t i = 0; i < targets.size(); ++i) {
    e->sample(stats[i].memory_bytes, {{"target", targets[i]->url()}, {"where", "memory"}});
    e->sample(stats[i].file_bytes, {{"target", targets[i]->url()}, {"where", "files"}});
  }
  e->family("klogd_forward_up", MetricType::kGauge,
            "1 while connected to the target, 0 otherwise.");
  each([&](size_t i) { return static_cast<uint64_t>(targets[i]->up() ? 1 : 0); });
  e->family("klogd_forward_reconnects_total", MetricType::kCounter,
            "Times the connection to the target was made again after it was lost.");
  each([&](size_t i) { return targets[i]->reconnects(); });
}

}  // namespace

std::string render_metrics(const MetricSources& s) {
  Exposition e;
  e.family("klogd_build_info", MetricType::kGauge, "klogd's version, as a label; always 1.");
  e.sample(uint64_t{1}, {{"version", s.version}});
  if (s.records) {
    const PipelineCounters& c = *s.records;
    e.family("klogd_records_total", MetricType::kCounter,
             "Records read, by level (kernel and userspace records of /dev/kmsg alike).");
    for (size_t l = 0; l < 8; ++l) e.sample(c.by_level[l], {{"level", kLevels[l]}});
    e.family("klogd_records_translated_total", MetricType::kCounter,
             "Records in which at least one address was named.");
    e.sample(c.translated);
    e.family("klogd_addresses_total", MetricType::kCounter, "Kernel addresses found in records.");
    e.sample(c.addresses);
    e.family("klogd_addresses_unresolved_total", MetricType::kCounter,
             "Kernel addresses found in records that no symbol named.");
    e.sample(c.unresolved);
    e.family("klogd_kernel_records_missed_total", MetricType::kCounter,
             "Kernel records lost before klogd read them (gaps in their sequence numbers).");
    e.sample(c.missed);
    e.family("klogd_records_malformed_total", MetricType::kCounter,
             "Records the parser refused (delivered with their damage marked where possible).");
    e.sample(c.malformed);
  }
  if (s.overruns) {
    e.family("klogd_kernel_overruns_total", MetricType::kCounter,
             "Times the kernel overwrote records before they were read (EPIPE on /dev/kmsg).");
    e.sample(s.overruns());
  }
  if (s.sinks) {
    sinks(*s.sinks, &e);
    forward_targets(*s.sinks, &e);
  }
  if (s.incidents) {
    const IncidentCounters& c = s.incidents->counters();
    e.family("klogd_incidents_total", MetricType::kCounter,
             "Crash reports found (oops, warning, panic, ...), repeats included, by type.");
    by_type(c.by_type, &e);
    e.family("klogd_incident_repeats_total", MetricType::kCounter,
             "Incidents found again within --incident-window: counted, not recorded again.");
    e.sample(c.repeats);
  }
  if (s.previous) {
    const PreviousBootCounts& p = *s.previous;
    e.family("klogd_previous_boot_incidents_total", MetricType::kCounter,
             "Crash reports of the previous boot found at start in pstore or kdump's saved log, "
             "by type.");
    by_type(p.incidents, &e);
    e.family("klogd_previous_boot_panics", MetricType::kGauge,
             "Crashes of the previous boot that took the host down (a panic), found at start.");
    e.sample(p.panics);
    e.family("klogd_pstore_dumps_total", MetricType::kCounter,
             "pstore and kdump dumps harvested at start (each once, ever).");
    e.sample(p.dumps);
    e.family("klogd_pstore_problems_total", MetricType::kCounter,
             "pstore and kdump files that could not be read at start (damaged, cut short).");
    e.sample(p.problems);
  }
  if (s.source_lines) {
    const SourceServiceCounters c = s.source_lines->counters();
    e.family("klogd_source_lines_files_open", MetricType::kGauge,
             "1 while debug files are open for source lines (closed after --debuginfo-idle).");
    e.sample(static_cast<uint64_t>(s.source_lines->files_open() ? 1 : 0));
    e.family("klogd_source_lines_files_opened_total", MetricType::kCounter,
             "Debug files opened for source lines (again after each idle close).");
    e.sample(c.opened);
    e.family("klogd_source_lines_files_refused_total", MetricType::kCounter,
             "Debug files refused: another build ID than the running kernel's, or unreadable.");
    e.sample(c.refused);
    e.family("klogd_source_lines_fetched_total", MetricType::kCounter,
             "Debug files fetched from debuginfod servers.");
    e.sample(c.fetched);
    e.family("klogd_source_lines_frames_located_total", MetricType::kCounter,
             "Frames looked up in the debug info (each once, then known).");
    e.sample(c.located);
    e.family("klogd_source_lines_lookups_dropped_total", MetricType::kCounter,
             "Frame lookups not made: too many waiting (a storm of new frames).");
    e.sample(c.dropped);
  }
  if (s.symbolizer && s.translate) {
    const CoreSymbols& core = s.symbolizer->core();
    const bool loaded = core.table != nullptr;
    e.family("klogd_map_verified", MetricType::kGauge,
             "1 when the symbols in use are proven to be the running kernel's, else 0.");
    e.sample(static_cast<uint64_t>(loaded && core.verified ? 1 : 0));
    e.family("klogd_map_info", MetricType::kGauge,
             "The map file in use (path \"\" for kallsyms alone or none); always 1.");
    e.sample(uint64_t{1},
             {{"path", core.map_path}, {"verified", loaded && core.verified ? "true" : "false"}});
  }
  uint64_t n = 0;
  if (kernel_count(s.sys_kernel + "/oops_count", &n)) {
    e.family("klogd_kernel_oops_total", MetricType::kCounter,
             "The kernel's own count of oopses since boot (/sys/kernel/oops_count).");
    e.sample(n);
  }
  if (kernel_count(s.sys_kernel + "/warn_count", &n)) {
    e.family("klogd_kernel_warn_total", MetricType::kCounter,
             "The kernel's own count of WARNs since boot (/sys/kernel/warn_count).");
    e.sample(n);
  }
  if (s.endpoint) {
    e.family("klogd_metrics_requests_total", MetricType::kCounter, "Metrics requests answered.");
    e.sample(s.endpoint->requests);
    e.family("klogd_metrics_refused_total", MetricType::kCounter,
             "Metrics connections refused or cut, by reason.");
    e.sample(s.endpoint->refused_busy, {{"reason", "busy"}});
    e.sample(s.endpoint->timeouts, {{"reason", "timeout"}});
    e.sample(s.endpoint->bad_requests, {{"reason", "bad_request"}});
  }
  if (s.process) append_process_metrics(&e);
  return e.text();
}

}  // namespace klogd
