#include "pstore/previous_boot.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <set>
#include <tuple>

#include "incidents/incident_record.h"

namespace klogd {

std::vector<std::string> pstore_origins() {
  return {"/sys/fs/pstore", "/var/lib/systemd/pstore", "/var/crash"};
}

std::vector<std::string> default_pstore_paths() {
  std::vector<std::string> p = pstore_origins();
  p.push_back(kPstoreInbox);
  return p;
}

FinishedRecord previous_boot_line(const PstoreLine& l, std::string text) {
  FinishedRecord r;
  r.record.level = l.level;
  r.record.facility = l.facility;
  r.record.ts_usec = l.ts_usec;
  r.text = std::move(text);
  r.synthetic = true;  // not one of this boot's kernel records: no restart point, no incidents
  r.kernel_seq = false;
  r.boot = RecordBoot::kPrevious;
  return r;
}

FinishedRecord previous_boot_incident(const Incident& i, uint64_t ts_usec,
                                      const std::string& previous_boot_id) {
  FinishedRecord r = incident_record(i, ts_usec, std::nullopt, 0);
  r.boot = RecordBoot::kPrevious;
  auto e = std::make_shared<RecordEvent>(*r.event);
  e->line = "klogd: incident in the previous boot: " + i.title + " [" + i.fingerprint + "]";
  // The report's place in the previous boot's log is its time: its line numbers in a dump
  // name nothing a reader could find.
  std::erase_if(e->fields,
                [](const auto& f) { return f.first == "first_seq" || f.first == "last_seq"; });
  e->fields.emplace_back("boot", "previous");
  if (!previous_boot_id.empty()) e->fields.emplace_back("boot_id", previous_boot_id);
  r.event = std::move(e);
  return r;
}

PreviousBoot harvest_previous_boot(const PreviousBootOptions& o, const Annotator& annotator) {
  PreviousBoot out;
  std::vector<PstoreRecord> all;
  for (const std::string& path : o.paths) {
    std::error_code ec;
    if (!std::filesystem::exists(std::filesystem::symlink_status(path, ec))) {
      if (o.missing_is_problem) out.problems.push_back(path + ": no such file or folder");
      continue;
    }
    // A default place this user may not read (/sys/fs/pstore is root's, 0750: the systemd unit
    // reads what systemd-pstore archives instead) is no problem; one the user named is.
    const int mode = std::filesystem::is_directory(path, ec) ? R_OK | X_OK : R_OK;
    if (!o.missing_is_problem && ::access(path.c_str(), mode) != 0 && errno == EACCES) {
      out.unreadable.push_back(path);
      continue;
    }
    PstoreHarvest h = read_pstore(path);
    for (std::string& p : h.problems) out.problems.push_back(std::move(p));
    for (std::string& f : h.dump_files) out.files.push_back(std::move(f));
    for (PstoreRecord& d : h.dumps) all.push_back(std::move(d));
  }
  all = join_pstore_dumps(std::move(all));  // copies in two places (pstore and its archive) once
  out.dumps = all.size();
  std::vector<PstoreRecord> fresh;
  std::set<std::string> keys;
  for (PstoreRecord& d : all) {
    std::string key = pstore_dump_key(d);
    if ((o.known && o.known(key)) || !keys.insert(key).second) {
      ++out.known_dumps;
      continue;
    }
    out.new_keys.push_back(key);
    fresh.push_back(std::move(d));
  }
  if (fresh.empty()) return out;
  // A line kept twice goes out as the record that says its level has it (a pstore dump), not as
  // kdump's or the console's, which print none.
  std::stable_partition(fresh.begin(), fresh.end(),
                        [](const PstoreRecord& d) { return d.reason != "kdump"; });

  // (time, 0 for a line / 1 for an incident, record): an incident follows its report's end.
  std::vector<std::tuple<uint64_t, int, FinishedRecord>> made;
  const auto delivered = [&](uint64_t ts) { return o.delivered_usec && ts <= *o.delivered_usec; };
  // The Oops and the Panic record repeat lines, and so do a console record and kdump's log
  // (which print no level): a line is its time and text.
  std::set<std::pair<uint64_t, std::string>> seen;
  for (const PstoreRecord& d : fresh) {
    for (const PstoreLine& l : d.lines) {
      if (!seen.insert({l.ts_usec, l.text}).second) continue;
      if (delivered(l.ts_usec)) {
        ++out.delivered_lines;
        continue;
      }
      Annotation a = annotator.annotate(l.text);
      made.emplace_back(l.ts_usec, 0, previous_boot_line(l, std::move(a.text)));
      ++out.lines;
    }
  }
  for (PstoreIncident& p : pstore_incidents_timed(fresh, annotator)) {
    if (delivered(p.last_usec)) {
      ++out.told_incidents;
      continue;
    }
    made.emplace_back(p.last_usec, 1,
                      previous_boot_incident(p.incident, p.last_usec, o.previous_boot_id));
    out.incidents.push_back(std::move(p.incident));
  }
  std::stable_sort(made.begin(), made.end(), [](const auto& a, const auto& b) {
    return std::tie(std::get<0>(a), std::get<1>(a)) < std::tie(std::get<0>(b), std::get<1>(b));
  });
  out.records.reserve(made.size());
  for (auto& m : made) out.records.push_back(std::move(std::get<2>(m)));
  return out;
}

}  // namespace klogd
