#pragma once
/// The two prefixes the kernel puts before a line of text in every form that is not a /dev/kmsg
/// record: "<PRIO>" (syslog(2), /proc/kmsg, pstore, dmesg -r, a console at loglevel prefix) and
/// "[seconds.fraction]" (printk.time, dmesg, kdump's saved log, pstore). The one reader of each:
/// the live text sources (text_line.h), pstore (pstore_record.h) and --decode's saved logs
/// (decode/log_line.h) all use these. Pure functions.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace klogd {

/// "<PRIO>" at the start of `s`: PRIO is 1-3 decimal digits, 0-191 (facility 0-23 << 3 | level).
/// On success *length is the bytes through '>'.
std::optional<int> parse_printk_prio(std::string_view s, size_t* length);

/// "[    2.907674]" at the start of `s`: spaces, seconds (at most 12 digits), '.', a fraction of
/// 1-9 digits, ']'. The fraction is a fraction: "[1.5]" is 1.5 s, "[1.000005]" 1 s + 5 µs (the
/// kernel prints 6 digits; digits past the 6th are dropped). The time in microseconds; *length is
/// the bytes through ']'.
std::optional<uint64_t> parse_printk_time(std::string_view s, size_t* length);

}  // namespace klogd
