#include "life/run_daemon.h"

#include <malloc.h>
#include <spdlog/spdlog.h>

#include "life/daemon_signals.h"
#include "life/start_phases.h"
#include "util/service_notify.h"

namespace klogd {

int run_daemon(const Config& c, ProcessPlumbing& process) {
  // Big blocks (a map's text, its tables) always their own mapping, given back when freed:
  // glibc would otherwise raise the threshold after the first such free and keep the next ones
  // in the heap, whose top cannot shrink under the tables that stay.
  ::mallopt(M_MMAP_THRESHOLD, 256 * 1024);
  HeldSignals held;  // until their handlers are in place
  DaemonParts d(c);
  std::string err;
  auto fail = [&] {
    spdlog::error("{}", err);
    return 1;
  };
  if (!c.forking)
    park_realtime_reader(d);  // after the fork when forking: threads do not survive it
  if (!open_privileged(d, process, &err)) return fail();
  if (c.forking) {
    go_background(d, process);
    park_realtime_reader(d);
  }
  if (!prepare_for_user(d, &err)) return fail();
  resume_restart_point(d);
  if (c.harvest) harvest_at_start(d);
  if (!drop_privileges(d, process, &err)) return fail();
  if (!start_services(d, &err)) return fail();

  DaemonSignals signals(d);
  held.release();
  if (c.daemon) {
    d.keeper->listen_uevents();
    d.ticker->start();
  }
  d.pipeline->start();
  notify_service("READY=1");
  process.ready();
  d.io.run();

  stop_services(d);
  return d.status;
}

}  // namespace klogd
