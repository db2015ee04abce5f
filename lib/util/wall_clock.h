#pragma once
/// The kernel's record time on the wall clock. ts_usec is local_clock(): time since boot that,
/// like CLOCK_MONOTONIC, does not advance during suspend on x86. So
///   wall time = ts_usec + (CLOCK_REALTIME - CLOCK_MONOTONIC), sampled when the record is read.
/// Caveat: a record written before a suspend and read after it gets a time too late by the
/// suspend's length (every peer's conversion is wrong somewhere); the raw ts_usec is always sent
/// beside it (journald KERNEL_MONOTONIC_USEC, RFC 5424 SD-PARAM mono).

#include <cstdint>
#include <string>

namespace klogd {

/// CLOCK_REALTIME - CLOCK_MONOTONIC now, in microseconds: the wall-clock time of boot.
int64_t boot_wall_usec();
/// CLOCK_REALTIME now, in microseconds.
int64_t wall_now_usec();

/// RFC 3164 "Mmm dd hh:mm:ss" in local time.
std::string rfc3164_time(int64_t wall_usec);
/// RFC 5424 / RFC 3339 "2026-11-27T18:23:06.123456+00:00" in local time with its offset.
std::string rfc5424_time(int64_t wall_usec);

}  // namespace klogd
