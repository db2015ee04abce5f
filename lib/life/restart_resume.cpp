// Phase 3 of the daemon's start (life/start_phases.h): what --user must write, and the restart
// point.
#include <spdlog/spdlog.h>

#include "kmsg/restart_point.h"
#include "life/privileges.h"
#include "life/start_phases.h"
#include "util/host.h"

namespace klogd {

bool prepare_for_user(DaemonParts& d, std::string* err) {
  const std::string user = d.config.user.value_or("");
  for (const std::string& dir : d.writable) {
    if (!prepare_writable_dir(dir, user, err)) {
      *err += " (needed to write there as " + (user.empty() ? std::string("klogd") : user) + ")";
      return false;
    }
  }
  std::string note;
  if (d.made_output && !hand_output_to_user(*d.config.sinks.output_file, user, &note))
    spdlog::warn("{}: SIGHUP cannot reopen it after the drop", note);
  return true;
}

// Restart continuity, for the daemon reading /dev/kmsg from its oldest record: where the last
// run stopped, unless that position cannot be this ring's (past its newest record).
void resume_restart_point(DaemonParts& d) {
  if (!d.config.state_file) return;
  const std::string& file = *d.config.state_file;
  std::string err;
  const std::string boot_id = read_boot_id(d.config.paths.boot_id);
  if (boot_id.empty()) {
    spdlog::warn("no boot id: restart continuity off");
    return;
  }
  if (!make_folders_for(file, &err) || !d.restart_state.open(file, boot_id, &err)) {
    spdlog::warn("{}: restart continuity off", err);
    return;
  }
  d.restart_state_open = true;
  spdlog::info("{}: {}", file, d.restart_state.note());
  if (!d.restart_state.resume_seq()) return;
  const LogSource::Scan ring = d.source.scan();
  d.source.rewind();
  const RestartPoint point = choose_restart_point(d.restart_state.resume_seq(), ring.last_seq);
  if (!point.warning.empty()) spdlog::warn("{}: {}", file, point.warning);
  if (point.resume_at) d.processor->resume_at(*point.resume_at);
}

}  // namespace klogd
