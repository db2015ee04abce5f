#pragma once
// The baseline: a symbol table written the way sysklogd 1.5's klogd (ksym.c) did it — fscanf
// per line, one realloc'ed array of malloc'ed names, linear scan on lookup — so the benchmark can
// state ratios measured in the same run.
#include <cstdint>
#include <string>

namespace naive {

struct Symbol {
  unsigned long value;
  char* name;
};

struct Table {
  Symbol* symbols = nullptr;
  int count = 0;
  ~Table();
};

bool load(const std::string& path, Table* t);
/// Returns the name and sets *offset/*size, or nullptr (klogd's LookupSymbol).
const char* lookup(const Table& t, unsigned long value, unsigned long* offset, unsigned long* size);

}  // namespace naive
