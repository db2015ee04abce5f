#pragma once
/// klogd's modes other than the daemon (life/run_daemon.h); each returns the exit status.
///   --decode FILE   a saved log annotated, or its incidents (life/decode_mode.cpp)
///   --check-map     the map search and its check, printed; 0 only for a verified map

#include "life/config.h"

namespace klogd {

int run_decode(const Config& c);
int run_check_map(const Config& c);
/// --hand-over-pstore DIR: what it copied and any problem said, exit 0 (the unit's start goes on).
int run_hand_over_pstore(const Config& c);
/// klogd incidents: exit 0 listed or shown, 1 nothing matched, 2 usage, 3 the journal, file or
/// MAINTAINERS could not be read.
int run_incidents(const Config& c);

}  // namespace klogd
