#pragma once
/// Records from the older kernel log interfaces, which give text rather than /dev/kmsg records:
/// /proc/kmsg and syslog(2) SYSLOG_ACTION_READ both yield lines "<PRIO>[    1.234567] text"
/// (the timestamp only with printk.time=1). They carry no sequence number: klogd numbers them
/// itself, so loss cannot be seen from these sources (use /dev/kmsg for that).

#include <string_view>

#include "kmsg/kmsg_record.h"

namespace klogd {

/// Parses one line (without '\n'). A missing "<PRIO>" means level 4 / kernel (as klogd 1.5
/// assumed, LOG_WARNING); a missing timestamp means ts_usec 0. Never fails.
void parse_text_line(std::string_view line, uint64_t seq, KmsgRecord* out);

}  // namespace klogd
