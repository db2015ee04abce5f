#pragma once
/// The daemon's life, in order (life/start_phases.h has each phase): open what needs root, go to
/// the background, make what --user must write and resume where the last run stopped, harvest
/// the previous boot, drop privileges, start the threads and services, run the loop until a
/// signal (or a replay's end), stop. Returns the exit status.

#include "life/config.h"
#include "life/process_plumbing.h"

namespace klogd {

int run_daemon(const Config& config, ProcessPlumbing& process);

}  // namespace klogd
