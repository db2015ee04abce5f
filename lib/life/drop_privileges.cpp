// Phase 5 of the daemon's start (life/start_phases.h): the privilege drop.
#include <spdlog/spdlog.h>

#include "life/privileges.h"
#include "life/start_phases.h"

namespace klogd {

bool drop_privileges(DaemonParts& d, ProcessPlumbing& process, std::string* err) {
  const Config& c = d.config;
  // CAP_DAC_READ_SEARCH's work (the harvest) is done
  if (!c.user && !keep_only_syslog_capability(err)) return false;
  allow_realtime(c.reader_priority);
  if (!c.user) return true;
  if (c.pid_file) process.keep_pid_file_as_root(*c.pid_file);
  if (!drop_to_user(*c.user, err)) return false;
  spdlog::info("running as {} with CAP_SYSLOG only", *c.user);
  return true;
}

}  // namespace klogd
