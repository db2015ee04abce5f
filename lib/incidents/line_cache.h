#pragma once
/// What is worked out from a line's text alone, kept for the lines seen last. A crash storm
/// prints one report again and again, most of its lines byte for byte (the frames, "Code:", the
/// task and hardware lines; the registers differ), so a line seen again costs a hash and a
/// compare. A fixed table of slots chosen by the line's hash (util/text.h line_slot), each
/// slot's text compared whole; a line longer than `Longest` is worked out each time. Made on
/// first use: a host that sees no crash holds none of it. The detector keeps a line's facts in
/// one, the namer its masked key.
///
/// Not thread-safe: its owner's (a detector's, or one per thread).

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "util/text.h"

namespace klogd {

template <typename Value, size_t Slots = 1024, size_t Longest = 512>
class LineCache {
 public:
  /// The value kept for `line`, or `make(line)` kept for it.
  template <typename Make>
  const Value& get(std::string_view line, Make make) {
    if (slots_.empty()) slots_.resize(Slots + 1);  // the last: a longer line's, each time anew
    const bool kept = line.size() <= Longest;
    Slot& s = slots_[kept ? line_slot(line) % Slots : Slots];
    if (kept && s.used && s.text == line) return s.value;
    s.value = make(line);
    s.used = kept;
    if (kept) s.text.assign(line);
    return s.value;
  }

 private:
  struct Slot {
    bool used = false;
    std::string text;
    Value value{};
  };
  std::vector<Slot> slots_;
};

}  // namespace klogd
