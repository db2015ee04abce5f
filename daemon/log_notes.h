#pragma once
// The library hands back what to tell the user as notes; the daemon writes them to its log.
#include <spdlog/spdlog.h>

#include "util/notes.h"

namespace klogd {

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
