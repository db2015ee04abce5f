#pragma once
/// What a library step wants the user told (which map, why modules are limited, ...), handed back
/// as values: the library never logs; the daemon writes notes to its log, --check-map to stdout.

#include <string>
#include <utility>
#include <vector>

namespace klogd {

struct Note {
  enum class Level { kDebug, kInfo, kWarning, kError };
  Level level = Level::kInfo;
  std::string text;
};

class Notes {
 public:
  void debug(std::string t) { add(Note::Level::kDebug, std::move(t)); }
  void info(std::string t) { add(Note::Level::kInfo, std::move(t)); }
  void warn(std::string t) { add(Note::Level::kWarning, std::move(t)); }
  void error(std::string t) { add(Note::Level::kError, std::move(t)); }
  void add(Note::Level l, std::string t) { notes_.push_back({l, std::move(t)}); }
  const std::vector<Note>& all() const { return notes_; }

 private:
  std::vector<Note> notes_;
};

}  // namespace klogd
