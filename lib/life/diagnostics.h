#pragma once
// klogd's own diagnostics: spdlog to stderr, then to syslog once forked. With --hide-addresses,
// every message goes through the records' mask (util/address_mask.h) on its way out: a map
// check's disagreement, a bad map line or a collector's error cannot carry a kernel address.
// The library hands back what to tell the user as notes; log_notes() writes them.
#include <spdlog/spdlog.h>

#include <functional>
#include <string_view>

#include "util/notes.h"

namespace klogd {

/// The stderr logger ("klogd: LEVEL: message").
void start_diagnostics(bool debug, bool hide_addresses);
/// After the fork: the same messages to syslog (facility daemon, "klogd[PID]"), and errors also
/// to `errors_also` ("klogd: error: message"), when given (the forking parent's pipe).
void diagnostics_to_syslog(std::function<void(std::string_view)> errors_also = {});

inline void log_notes(const Notes& notes) {
  for (const Note& n : notes.all()) {
    switch (n.level) {
      case Note::Level::kDebug:
        spdlog::debug("{}", n.text);
        break;
      case Note::Level::kInfo:
        spdlog::info("{}", n.text);
        break;
      case Note::Level::kWarning:
        spdlog::warn("{}", n.text);
        break;
      case Note::Level::kError:
        spdlog::error("{}", n.text);
        break;
    }
  }
}

}  // namespace klogd
