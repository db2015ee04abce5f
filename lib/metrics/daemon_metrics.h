#pragma once
/// What klogd knows, as Prometheus metrics (README "Metrics" lists them with their labels):
/// records by level, translated, addresses unresolved, kernel records missed, malformed; each
/// sink's queue, drops and state; each --forward target's deliveries, drops, queued bytes,
/// state and reconnects; incidents by type; the map; the build; the kernel's own oops and warn
/// counts; the source lines' files and lookups; the metrics endpoint's own refusals; and the
/// process_* metrics. Rendered on the loop
/// thread, which owns everything read here (a forward target's sender shares only locked or
/// atomic state).

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "annotate/record_processor.h"
#include "incidents/incident_tracker.h"
#include "pipeline/source_service.h"
#include "sinks/sink_set.h"
#include "symbols/symbolizer.h"

namespace klogd {

/// The endpoint's own counters (metrics_server.h).
struct EndpointCounters {
  uint64_t requests = 0;      ///< answered
  uint64_t refused_busy = 0;  ///< connections closed at once: too many open
  uint64_t timeouts = 0;      ///< a request not complete in time, or a response not taken
  uint64_t bad_requests = 0;  ///< not HTTP, or headers over the limit
};

/// The previous boot's crashes, harvested at this start from pstore and kdump
/// (pstore/previous_boot.h): the daemon fills it in once, before the loop runs.
struct PreviousBootCounts {
  std::map<IncidentType, uint64_t> incidents;  ///< by type
  uint64_t panics = 0;    ///< of them, the crashes that took the host down (panicked)
  uint64_t dumps = 0;     ///< dumps harvested at this start (harvested before: not counted)
  uint64_t problems = 0;  ///< files that could not be read (damaged, cut, not a dump)
};

struct MetricSources {
  std::string version;
  const PipelineCounters* records = nullptr;
  std::function<uint64_t()> overruns;  ///< times the kernel overwrote records before the read
  const SinkSet* sinks = nullptr;
  const IncidentTracker* incidents = nullptr;  ///< null: --incident-records false
  const Symbolizer* symbolizer = nullptr;
  bool translate = true;  ///< false with -x: no map is wanted
  const EndpointCounters* endpoint = nullptr;
  std::string sys_kernel = "/sys/kernel";  ///< oops_count, warn_count (Linux 6.2 and later)
  bool process =
      true;  ///< the process_* metrics (not in --metrics-file: node_exporter has its own)
  const PreviousBootCounts* previous = nullptr;  ///< null: no harvest at start
  const SourceService* source_lines = nullptr;   ///< null: no source lines (--debuginfo none)
};

std::string render_metrics(const MetricSources& s);

}  // namespace klogd
