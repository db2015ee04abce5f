#pragma once
/// The daemon's start, one phase a function, in the order run_daemon() calls them (the order is
/// the point: see each). Each reads the configuration and fills the parts (daemon_parts.h);
/// false with *err means the daemon cannot start (exit 1). All run on the main thread, and no
/// thread exists before start_services().

#include <string>

#include "life/daemon_parts.h"
#include "life/process_plumbing.h"

namespace klogd {

/// 0. A process that systemd started at SCHED_FIFO (CPUSchedulingPolicy=, RestrictRealtime=yes):
///    the reading thread is made first, parked, keeping that priority; then the main thread goes
///    to normal priority, and every thread made later with it. True when the reader was parked.
///    Called before any other thread exists (before open_privileged(), or after the fork).
bool park_realtime_reader(DaemonParts& d);

/// 1. What needs root: the log source, the pid file (a second instance is refused before
///    anything loads), the symbols, the record processor, the sinks (an output file that only
///    root may write), the console level.
bool open_privileged(DaemonParts& d, ProcessPlumbing& process, std::string* err);

/// 2. The background (the daemon without -n): the fork, then diagnostics to syslog (and, until
///    ready, to the parent's stderr).
void go_background(DaemonParts& d, ProcessPlumbing& process);

/// 3. What --user must write, made and handed over (the forward queues' folders, an output file
///    klogd made); then the restart point, opened and kept open (its folder stays root's), and
///    where the last run stopped, unless that cannot be this ring's (resume_restart_point).
bool prepare_for_user(DaemonParts& d, std::string* err);
void resume_restart_point(DaemonParts& d);

/// 4. The previous boot's crashes and last words, from pstore and kdump, made the records that
///    go out first (pstore/previous_boot.h): as root (pstore is root's), before live records.
///    The pstore state file is opened and kept for the pipeline.
void harvest_at_start(DaemonParts& d);

/// 5. The privilege drop: CAP_SYSLOG alone from here on (as --user, or what systemd handed
///    over), and the real-time limit the reader needs.
bool drop_privileges(DaemonParts& d, ProcessPlumbing& process, std::string* err);

/// 6. The threads and services: the ring and the reading thread, the sinks' threads, the loop
///    thread's scheduling, incidents, source lines, the pipeline, metrics, systemd's ticks.
bool start_services(DaemonParts& d, std::string* err);

/// 8. The stop, once the loop has left: the reader, the symbols' worker, the ticks, the metrics
///    file's last write; the counts said.
void stop_services(DaemonParts& d);

}  // namespace klogd
