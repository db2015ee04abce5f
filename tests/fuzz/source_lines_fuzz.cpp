// Fuzzes the frame parser and the lookups behind --decode --debuginfo: arbitrary text as a log
// line, its frames ("name+0xOFF/0xSIZE [mod]", klogd 1.5's "[mod:name+...]") looked up in real
// DWARF (this fuzzer's own binary, built with -g: thousands of functions, inline chains) and the
// line decorated; the same bytes read as an ELF notes block (/sys/kernel/notes, a module's
// notes: symbols/build_id_note.h). Damaged ELF files are the unit tests' (debug_info_test: cuts
// and flips).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "annotate/source_lines.h"
#include "symbols/build_id_note.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static klogd::SourceLines* lines = [] {
    auto* s = new klogd::SourceLines;
    std::string err;
    s->add("/proc/self/exe", &err);
    return s;
  }();
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string out = lines->decorate(text);
  if (out.size() < text.size()) __builtin_trap();  // decorating only ever adds
  for (const auto& f : lines->frames(text))
    if (f.symbol.end > text.size() || f.symbol.begin > f.symbol.end) __builtin_trap();
  const std::string id = klogd::gnu_build_id(text);
  if (id.size() % 2 || id.size() > 2 * size) __builtin_trap();  // two digits a byte, from within
  return 0;
}
