#pragma once
/// The process_* metrics as Prometheus' client libraries name them (process_start_time_seconds,
/// process_cpu_seconds_total, process_resident_memory_bytes, process_virtual_memory_bytes,
/// process_open_fds, process_max_fds), read from /proc/self.

#include "metrics/exposition.h"

namespace klogd {

void append_process_metrics(Exposition* e);

}  // namespace klogd
