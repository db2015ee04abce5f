#pragma once
/// Turns a runtime kernel address into a name: the static map (System.map or kallsyms, shifted
/// by the KASLR slide) for core-kernel text, then the module table for module text. The
/// annotator asks it; it knows nothing of records, text forms or sinks.
///
/// Tables are held by shared_ptr to const: a reload builds new tables elsewhere and swaps them in
/// with set_core()/set_modules() on the thread that owns the Symbolizer, so a lookup never waits
/// for a reload. A Symbolizer itself is not synchronized.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "symbols/module_table.h"
#include "symbols/symbol_table.h"

namespace klogd {

/// How an address was resolved (reported by --json and the journald sink).
enum class ResolvedVia {
  kCoreMap,       ///< core text, static map (+ slide)
  kModuleSymbol,  ///< module text, kallsyms module symbols bounded by /proc/modules
  kModuleRange,   ///< module text, /proc/modules only: module name and offset
};
std::string_view to_string(ResolvedVia via);

struct Resolution {
  std::string_view symbol;  ///< empty for kModuleRange
  std::string_view module;  ///< empty for core text
  uint64_t offset = 0;
  uint64_t size = 0;
  ResolvedVia via = ResolvedVia::kCoreMap;
};

/// The core-kernel half of the symbolizer.
struct CoreSymbols {
  std::shared_ptr<const SymbolTable> table;  ///< addresses as in the map file
  int64_t slide = 0;                         ///< runtime = map address + slide (KASLR)
  bool slide_known = true;  ///< false: KASLR on, slide unknown: core text is never named
  bool verified = true;     ///< false: the map could not be proven to match (lines are marked)
  std::string description;  ///< which map and why, for logs
  std::string map_path;     ///< the map file used ("" when none: kallsyms alone, or nothing)
};

class Symbolizer {
 public:
  void set_core(CoreSymbols core) { core_ = std::move(core); }
  void set_modules(std::shared_ptr<const ModuleTable> modules) { modules_ = std::move(modules); }
  const CoreSymbols& core() const { return core_; }
  const std::shared_ptr<const ModuleTable>& modules() const { return modules_; }

  /// Exact lookup (the kernel's %pS).
  std::optional<Resolution> resolve(uint64_t address) const;
  /// Return-address lookup (the kernel's %pB): resolve address - 1, report offset + 1.
  std::optional<Resolution> resolve_return(uint64_t address) const;
  /// True when the core table is usable (loaded, slide known).
  bool core_ready() const { return core_.table && !core_.table->empty() && core_.slide_known; }

 private:
  CoreSymbols core_;
  std::shared_ptr<const ModuleTable> modules_;
};

}  // namespace klogd
