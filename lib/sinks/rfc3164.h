#pragma once
/// The classic syslog message (RFC 3164, what /dev/log readers expect by default) for a kernel
/// record: "<PRI>Mmm dd hh:mm:ss kernel: MSG". PRI from the record, the record's kernel time on
/// the wall clock (local time), tag "kernel" as klogd's openlog("kernel", 0, LOG_KERN), and the
/// annotated text with control bytes written "\xNN" (one record, one message). Pure: no I/O.

#include <cstdint>
#include <string>

#include "annotate/finished_record.h"

namespace klogd {

std::string format_rfc3164(const FinishedRecord& r, int64_t boot_wall_usec);

}  // namespace klogd
