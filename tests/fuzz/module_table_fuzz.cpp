// Fuzzes the /proc/modules + kallsyms module parser: the input is split in two at the first
// 0xff byte (modules, then kallsyms).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "symbols/symbolizer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view all(reinterpret_cast<const char*>(data), size);
  size_t cut = all.find('\xff');
  std::string_view mods = all.substr(0, cut);
  std::string_view syms = cut == std::string_view::npos ? std::string_view{} : all.substr(cut + 1);
  auto m = std::make_shared<klogd::ModuleTable>();
  std::string err;
  m->load_text(mods, syms, "modules", "kallsyms", &err);
  klogd::Symbolizer s;
  s.set_modules(m);
  for (const auto& info : m->modules()) {
    s.resolve(info.base);
    s.resolve(info.base + info.size / 2);
    s.resolve(info.base + info.size);
    s.resolve_return(info.base);
  }
  return 0;
}
