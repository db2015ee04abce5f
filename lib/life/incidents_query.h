#pragma once
/// What `klogd incidents [list|show FP|N]` is asked (its options as written;
/// life/incidents_mode.cpp does it).

#include <optional>
#include <string>

#include "life/journal_reader.h"

namespace klogd {

struct IncidentsQuery {
  enum class Action { kList, kShow };
  Action action = Action::kList;
  std::string what;  ///< show: a fingerprint (or its first 4+ digits) or N, the Nth listed
  bool group = false;
  bool json = false;
  bool reverse = false;
  bool pager = true;
  std::optional<size_t> last;       ///< -n N: the N newest
  std::optional<std::string> boot;  ///< -b [ID|±N]: "" the current boot
  std::string since, until;
  std::string file;  ///< --file: a saved log or a file sink's output instead of the journal
  JournalPlace place;
};

}  // namespace klogd
