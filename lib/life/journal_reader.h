#pragma once
/// Reading the systemd journal (klogd incidents): entries by field match, the boots it holds,
/// and the records before an entry. Through the journal plugin (util/plugin.h:
/// plugins/journal, libsystemd's sd-journal), so that the daemon never maps libsystemd.
///
/// Access: a user outside the groups systemd-journal and adm is shown no system journal file
/// by sd-journal, without an error; journal_access() says so first, naming a file it cannot
/// read, as journalctl's hint does.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace klogd {

struct JournalEntry {
  uint64_t realtime_usec = 0;
  std::string boot_id;  ///< 32 hex digits
  std::string cursor;
  std::vector<std::pair<std::string, std::string>> fields;
  /// The field's value, "" when the entry has none.
  const std::string& get(std::string_view name) const;
};

struct JournalBoot {
  std::string id;
  uint64_t first_usec = 0;  ///< its first and last entry's wall-clock time
  uint64_t last_usec = 0;
};

/// Which journal: the system's (both empty), a namespace's (journalctl --namespace), or the
/// files of one folder (journalctl -D).
struct JournalPlace {
  std::string directory;
  std::string name_space;
};

struct JournalRead {
  JournalPlace place;
  std::vector<std::string> matches;  ///< "FIELD=value", all must hold
  uint64_t since_usec = 0;           ///< wall-clock bounds, inclusive
  uint64_t until_usec = UINT64_MAX;
};

/// The entries that match, oldest first. False with *err when the journal cannot be opened;
/// a damaged file costs only its own entries (said in *problems).
bool read_journal(const JournalRead& q, std::vector<JournalEntry>* out,
                  std::vector<std::string>* problems, std::string* err);

/// The boots the journal holds, oldest first.
bool journal_boots(const JournalPlace& place, std::vector<JournalBoot>* out, std::string* err);

/// Up to `max` entries of `boot_id` right before the entry at `cursor`, newest first.
bool journal_before(const JournalPlace& place, const std::string& cursor,
                    const std::string& boot_id, size_t max, std::vector<JournalEntry>* out,
                    std::string* err);

/// "" when the journal's files can be read; else why not, naming one file.
std::string journal_access(const JournalPlace& place);

}  // namespace klogd
