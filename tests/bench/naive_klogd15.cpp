#include "naive_klogd15.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace naive {

Table::~Table() {
  for (int i = 0; i < count; ++i) std::free(symbols[i].name);
  std::free(symbols);
}

bool load(const std::string& path, Table* t) {
  std::FILE* f = std::fopen(path.c_str(), "r");
  if (!f) return false;
  unsigned long address;
  char type;
  char sym[512];
  while (std::fscanf(f, "%lx %c %511s\n", &address, &type, sym) == 3) {
    // ksym.c AddSymbol(): grow by one, strdup the name
    auto* grown = static_cast<Symbol*>(std::realloc(t->symbols, sizeof(Symbol) * (t->count + 1)));
    if (!grown) break;
    t->symbols = grown;
    t->symbols[t->count].value = address;
    t->symbols[t->count].name = strdup(sym);
    ++t->count;
  }
  std::fclose(f);
  return t->count > 0;
}

const char* lookup(const Table& t, unsigned long value, unsigned long* offset,
                   unsigned long* size) {
  // ksym.c LookupSymbol(): a linear scan for the last symbol below value
  for (int lp = 0; lp < t.count - 1; ++lp) {
    if (value > t.symbols[lp].value && value < t.symbols[lp + 1].value) {
      *offset = value - t.symbols[lp].value;
      *size = t.symbols[lp + 1].value - t.symbols[lp].value;
      return t.symbols[lp].name;
    }
  }
  return nullptr;
}

}  // namespace naive
