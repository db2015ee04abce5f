// Phase 4 of the daemon's start (life/start_phases.h): the previous boot's harvest.
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "life/privileges.h"
#include "life/start_phases.h"
#include "util/host.h"

namespace klogd {
namespace {

// The state file: which dumps were harvested, each boot's last delivered kernel time.
void open_pstore_state(const HarvestConfig& h, const KernelPaths& paths, PstoreState* state) {
  if (!h.state_file) return;
  std::string err, note;
  const std::string boot_id = read_boot_id(paths.boot_id);
  if (boot_id.empty())
    err = "no boot id";
  else if (make_folders_for(*h.state_file, &err))
    state->open(*h.state_file, boot_id, &err, &note);
  if (!note.empty()) spdlog::warn("{}", note);
  if (!err.empty() && state->busy())
    spdlog::info("{}: the harvest does not remember what it sent", err);
  else if (!err.empty())
    spdlog::warn("{}: every dump found is harvested at each start, all its lines sent", err);
}

// What the metrics count of it.
PreviousBootCounts counts_of(const PreviousBoot& p) {
  PreviousBootCounts c;
  c.dumps = p.new_keys.size();
  c.problems = p.problems.size();
  for (const Incident& i : p.incidents) {
    ++c.incidents[i.type];
    if (i.panicked) ++c.panics;
  }
  return c;
}

}  // namespace

void harvest_at_start(DaemonParts& d) {
  const HarvestConfig& h = *d.config.harvest;
  open_pstore_state(h, d.config.paths, &d.pstore_state);
  PreviousBootOptions po;
  po.paths = h.paths;
  po.missing_is_problem = h.paths_given;
  if (d.pstore_state.is_open()) {
    po.delivered_usec = d.pstore_state.previous_delivered_usec();
    po.previous_boot_id = d.pstore_state.previous_boot_id();
    po.known = [state = &d.pstore_state](const std::string& key) { return state->known(key); };
  }
  AnnotatorOptions ao = d.config.annotator;
  ao.style = AnnotationStyle::kNone;  // the previous boot's addresses are not this boot's
  const Annotator as_printed(nullptr, ao);
  const auto t0 = std::chrono::steady_clock::now();
  PreviousBoot p = harvest_previous_boot(po, as_printed);
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
          .count();
  std::string err;
  for (const std::string& problem : p.problems) spdlog::warn("previous boot: {}", problem);
  for (const std::string& path : p.unreadable)
    spdlog::debug("previous boot: {} is not readable as this user: not looked at", path);
  if (!p.new_keys.empty() && !d.pstore_state.remember(p.new_keys, &err)) spdlog::warn("{}", err);
  if (p.dumps > 0)
    spdlog::info(
        "previous boot: {} dumps ({} harvested before), {} lines not delivered then ({} were), "
        "{} incidents ({} told then), in {} ms",
        p.dumps, p.known_dumps, p.lines, p.delivered_lines, p.incidents.size(), p.told_incidents,
        ms);
  for (const std::string& f : p.files) {
    // the root helper's copies are klogd's to remove, harvested; the originals only when asked
    const bool copy = f.starts_with(std::string(kPstoreInbox) + "/");
    if ((copy || h.unlink) && ::unlink(f.c_str()) != 0 && !copy)
      spdlog::warn("--pstore-unlink: {}: {}", f, std::strerror(errno));
  }
  d.previous_counts = counts_of(p);
  if (!d.config.incident_records)
    std::erase_if(p.records, [](const FinishedRecord& r) { return r.event != nullptr; });
  d.first_records = std::move(p.records);
}

}  // namespace klogd
