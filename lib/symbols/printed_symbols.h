#pragma once
/// Symbols the kernel printed itself ("name+0xOFF/0xSIZE [mod]"), and the offline version check
/// they allow without kallsyms: a map that names the crashed kernel has each of them with the
/// size the kernel printed.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "symbols/symbol_table.h"

namespace klogd {

/// A symbol the kernel printed itself: "name+0xOFF/0xSIZE", optionally followed by " [mod]" or,
/// with CONFIG_STACKTRACE_BUILD_ID, " [mod BUILDID]".
struct PrintedSymbol {
  std::string name;
  uint64_t offset = 0;
  uint64_t size = 0;
  std::string module;    ///< empty for core kernel
  std::string build_id;  ///< the module's, when the kernel printed it (lowercase hex), else ""
  size_t begin = 0;    ///< where it is in the text: [begin, end), " [mod]" included
  size_t end = 0;
};
/// Every printed symbol in one line of text.
std::vector<PrintedSymbol> find_printed_symbols(std::string_view text);

/// Offline version check without kallsyms: each core symbol the kernel printed must exist in
/// the map with the same size. Returns how many agreed; *disagreement names the first one that
/// did not ("name: log says size 0x80, map says 0x90" / "name: not in the map").
struct PrintedCheck {
  size_t checked = 0;
  size_t agreed = 0;
  std::string disagreement;
};
PrintedCheck check_printed_symbols(const std::vector<PrintedSymbol>& printed,
                                   const SymbolTable& map);

}  // namespace klogd
