#pragma once
/// The previous boot's crashes, from what pstore and kdump kept (pstore/pstore_record.h): the
/// daemon's harvest at start, and klogd --decode PATH --incidents where PATH is a folder or its
/// bytes are a pstore record or systemd-pstore's dmesg.txt (decode/saved_log.h). Every report in
/// the records becomes one incident, marked as the previous boot's; one crash kept twice (the Oops record and the Panic
/// record repeat the same lines, systemd-pstore copies the files) is one incident.

#include <string>
#include <string_view>
#include <vector>

#include "annotate/annotator.h"
#include "incidents/incident.h"
#include "pstore/pstore_record.h"

namespace klogd {

struct PstoreHarvest {
  std::vector<PstoreRecord> dumps;    ///< one per dump, parts joined, copies once
  std::vector<std::string> problems;  ///< records that could not be read, and why
  size_t files = 0;                   ///< files read
  std::vector<std::string> dump_files;  ///< the files that held a dump (what --pstore-unlink removes)
};

/// A dump's identity across boots and copies: its name, its first and last time and its text
/// (SHA-256, 32 hex digits). A slot that a later crash reused is a new dump.
std::string pstore_dump_key(const PstoreRecord& dump);

/// An incident of the previous boot with the kernel times of its report's first and last line.
struct PstoreIncident {
  Incident incident;
  uint64_t first_usec = 0;
  uint64_t last_usec = 0;
};

/// Reads PATH: a file, or a folder of files and of sub-folders one level down (/var/crash/STAMP/,
/// systemd-pstore's per-record folders). What each file is, is read from its first bytes
/// (dump_form): a pstore record (plain or compressed), systemd-pstore's dmesg.txt, a timed log
/// (kdump's dmesg.STAMP or vmcore-dmesg.txt, ramoops' console record); any other file is not a
/// dump and is left alone. None is read past kMaxPstoreText.
PstoreHarvest read_pstore(const std::string& path);

/// The incidents of the dumps, in time order, each once, `boot` "previous", with their times.
std::vector<PstoreIncident> pstore_incidents_timed(const std::vector<PstoreRecord>& dumps,
                                                   const Annotator& annotator);
/// The same, the incidents alone.
std::vector<Incident> pstore_incidents(const std::vector<PstoreRecord>& dumps,
                                       const Annotator& annotator);

}  // namespace klogd
