// Fuzzes the System.map / kallsyms parser and lookups on what it built.
#include <cstddef>
#include <cstdint>
#include <string>

#include "symbols/map_check.h"
#include "symbols/symbol_table.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  klogd::SymbolTable t;
  std::string err;
  if (!t.load_text(text, "fuzz", &err)) return 0;
  uint64_t probes[] = {0,
                       1,
                       t.first_address(),
                       t.first_address() - 1,
                       t.end_address(),
                       t.end_address() - 1,
                       ~0ull,
                       0xffffffff81000000ull};
  for (uint64_t a : probes) t.lookup(a);
  for (size_t i = 0; i < t.size() && i < 64; ++i) t.lookup(t.address_at(i) + (i * 7));
  klogd::check_map_against_kallsyms(t, t);
  return 0;
}
