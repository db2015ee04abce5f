#pragma once
// The modes of the klogd binary; each returns the process exit status.
#include "options.h"

namespace klogd {
int run_daemon(const Options& o);     // read the kernel log and forward it
int run_check_map(const Options& o);  // --check-map
int run_decode(const Options& o);     // --decode FILE
int run_signal(const Options& o);     // -i / -I
}  // namespace klogd
