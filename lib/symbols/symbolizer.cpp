#include "symbols/symbolizer.h"

namespace klogd {

std::string_view to_string(ResolvedVia via) {
  switch (via) {
    case ResolvedVia::kCoreMap:
      return "map";
    case ResolvedVia::kModuleSymbol:
      return "module-symbols";
    case ResolvedVia::kModuleRange:
      return "module-range";
  }
  return "?";
}

std::optional<Resolution> Symbolizer::resolve(uint64_t address) const {
  // Modules first: a module address must never get a core name, whatever the core table holds.
  if (modules_) {
    if (const ModuleInfo* m = modules_->find_module(address)) {
      if (auto hit = modules_->lookup_symbol(*m, address))
        return Resolution{hit->name, m->name, hit->offset, hit->size, ResolvedVia::kModuleSymbol};
      return Resolution{{}, m->name, address - m->base, m->size, ResolvedVia::kModuleRange};
    }
  }
  if (!core_ready()) return std::nullopt;
  uint64_t map_address = address - static_cast<uint64_t>(core_.slide);
  if (auto hit = core_.table->lookup(map_address))
    return Resolution{hit->name, {}, hit->offset, hit->size, ResolvedVia::kCoreMap};
  return std::nullopt;
}

std::optional<Resolution> Symbolizer::resolve_return(uint64_t address) const {
  if (address == 0) return std::nullopt;
  auto r = resolve(address - 1);
  if (r) r->offset += 1;
  return r;
}

}  // namespace klogd
