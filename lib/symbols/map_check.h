#pragma once
/// Does a System.map belong to the running (or crashed) kernel? The checks that work today,
/// replacing sysklogd's Version_NNNNN test (no kernel since 2.6 has that symbol):
///  - content: a deterministic, well-spread sample of the map's text symbols (every n-th by
///    address, plus _text, _stext, _etext, start_kernel) must sit in kallsyms at the same
///    addresses up to one constant, the KASLR slide = kallsyms _text - map _text.
///  - release name: with kallsyms hidden, a map whose file or directory name carries the release
///    (System.map-RELEASE, /lib/modules/RELEASE/...) is taken as the running kernel's.
///  - Version_NNNNN: old kernels' symbol, equal to the release's LINUX_VERSION_CODE.
/// Pure functions over tables already loaded: no I/O.

#include <cstdint>
#include <string>
#include <string_view>

#include "symbols/symbol_table.h"

namespace klogd {

struct ContentCheck {
  bool ok = false;
  int64_t slide = 0;
  size_t sampled = 0;
  size_t agreed = 0;
  size_t disagreed = 0;  ///< kallsyms has another symbol, or an offset, at the slid address
  std::string first_disagreement;  ///< "name: map ADDR, kallsyms has OTHER at ADDR+slide"
  std::string summary() const;
};

/// How many samples the content check takes (about; endpoints and named anchors are added).
inline constexpr size_t kContentSamples = 400;
/// In this many runs of neighbouring symbols, evenly spread from the first to the last.
inline constexpr size_t kContentRuns = 16;
/// The share of samples that must agree exactly. kallsyms and System.map of one build agree on
/// every text symbol; the margin allows for symbols one of them filters.
inline constexpr double kContentAgreement = 0.98;

ContentCheck check_map_against_kallsyms(const SymbolTable& map, const SymbolTable& kallsyms);

/// True when `path` names the release: ".../System.map-RELEASE" or ".../RELEASE/System.map".
bool path_names_release(std::string_view path, std::string_view release);

/// LINUX_VERSION_CODE of a release string ("2.4.18-3" -> 132114); 0 when not parseable.
uint64_t linux_version_code(std::string_view release);

}  // namespace klogd
