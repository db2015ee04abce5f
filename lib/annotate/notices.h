#pragma once
/// The records klogd writes itself, in-band beside the kernel's, so that every loss is stated
/// where the records are read, with its exact count (journald's "Missed N kernel messages").

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "annotate/finished_record.h"

namespace klogd {

/// A record made by klogd (facility kern, level warning, synthetic) with the given text. It
/// carries no kernel sequence number: `after_seq` is the kernel record it follows, when known.
FinishedRecord make_notice(std::string text, uint64_t ts_usec,
                           std::optional<uint64_t> after_seq = std::nullopt);

/// "klogd: missed N kernel messages": the kernel overwrote records before klogd read them.
std::string missed_notice(uint64_t count);

/// "klogd: dropped N records for WHERE while it was unavailable (queue full)": a sink's or a
/// collector's queue was full and its oldest records went.
std::string dropped_notice(uint64_t count, std::string_view where);

/// A forward target's losses: `count` records, of which `damaged` were in entries of its queue
/// files that could not be read back, the others dropped by a full queue; each said as what it
/// was.
std::string forward_loss_notice(uint64_t count, uint64_t damaged, std::string_view where);

}  // namespace klogd
