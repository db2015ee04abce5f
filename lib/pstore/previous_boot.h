#pragma once
/// The previous boot's last words and crashes, harvested when the daemon starts, before live
/// records flow: what pstore kept (/sys/fs/pstore), systemd-pstore's archive of it
/// (/var/lib/systemd/pstore) and kdump's saved logs (/var/crash/*/dmesg.*, vmcore-dmesg.txt),
/// made records for every sink like live ones, each marked as the previous boot's
/// (RecordBoot::kPrevious): the lines the previous boot never delivered, and one incident per
/// crash in them.
///
/// The previous boot's addresses are not this boot's (another KASLR slide, modules elsewhere):
/// nothing in them is translated; with --hide-addresses they are masked like live ones.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "annotate/annotator.h"
#include "annotate/finished_record.h"
#include "incidents/incident.h"
#include "pstore/pstore_incidents.h"

namespace klogd {

/// Where the root helper (klogd --hand-over-pstore, the systemd unit's ExecStartPre=+) copies
/// the dumps for a klogd that may not read them where they are; klogd removes its copies once
/// it harvested them.
inline constexpr const char* kPstoreInbox = "/var/lib/klogd/previous-boot";

/// Where pstore, systemd-pstore and kdump keep a crashed boot's log, and klogd's inbox.
std::vector<std::string> default_pstore_paths();
/// The same without the inbox: where the root helper looks.
std::vector<std::string> pstore_origins();

struct PreviousBootOptions {
  std::vector<std::string> paths;   ///< folders or files (read_pstore); missing ones are skipped
  bool missing_is_problem = false;  ///< an explicit --pstore that does not exist is said
  /// The kernel time of the last record klogd delivered in the previous boot, when known:
  /// only later lines are last words, and a report that ended before it was told live.
  std::optional<uint64_t> delivered_usec;
  std::string previous_boot_id;  ///< "" when unknown
  /// Whether a dump (pstore_dump_key) was harvested by an earlier start.
  std::function<bool(const std::string& key)> known;
};

struct PreviousBoot {
  /// The last words and the incidents, in kernel time order, an incident after its report.
  std::vector<FinishedRecord> records;
  std::vector<Incident> incidents;      ///< those records' incidents
  std::vector<std::string> new_keys;    ///< the dumps harvested now (for the state file)
  std::vector<std::string> files;       ///< the files that held dumps, new or known
  std::vector<std::string> problems;    ///< what could not be read, and why
  std::vector<std::string> unreadable;  ///< default places this user may not read (no problem)
  size_t dumps = 0;                     ///< dumps found (parts joined, copies once)
  size_t known_dumps = 0;               ///< of which harvested before
  size_t lines = 0;                     ///< last-words records made
  size_t delivered_lines = 0;           ///< lines left out: the previous boot delivered them
  size_t told_incidents = 0;            ///< incidents left out: told live in the previous boot
};

PreviousBoot harvest_previous_boot(const PreviousBootOptions& options, const Annotator& annotator);

/// The record of one line the previous boot never delivered: its level, facility and kernel
/// time; the file sink writes "<PRIO>[time] klogd: previous boot: TEXT".
FinishedRecord previous_boot_line(const PstoreLine& line, std::string text);

/// The incident record of a crash in the previous boot: boot="previous" in its fields (and the
/// boot's id when known), the file line "klogd: incident in the previous boot: TITLE [FP]".
FinishedRecord previous_boot_incident(const Incident& incident, uint64_t ts_usec,
                                      const std::string& previous_boot_id);

}  // namespace klogd
