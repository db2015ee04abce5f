#include "symbols/printed_symbols.h"

#include <algorithm>
#include <set>

#include "util/hex.h"

namespace klogd {
namespace {

bool is_sym_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '$';
}

}  // namespace

std::vector<PrintedSymbol> find_printed_symbols(std::string_view t) {
  std::vector<PrintedSymbol> out;
  size_t pos = 0;
  while ((pos = t.find("+0x", pos)) != std::string_view::npos) {
    size_t s = pos;
    while (s > 0 && is_sym_char(t[s - 1])) --s;
    size_t p = pos + 1;
    uint64_t off = 0, size = 0;
    if (s == pos || !read_0x_hex(t, &p, &off) || p >= t.size() || t[p] != '/') {
      pos += 3;
      continue;
    }
    ++p;
    if (!read_0x_hex(t, &p, &size) || (p < t.size() && is_sym_char(t[p]))) {
      pos += 3;
      continue;
    }
    PrintedSymbol ps;
    ps.name.assign(t.substr(s, pos - s));
    ps.offset = off;
    ps.size = size;
    ps.begin = s;
    ps.end = p;
    if (p + 2 < t.size() && t[p] == ' ' && t[p + 1] == '[') {
      size_t close = t.find(']', p + 2);
      if (close != std::string_view::npos) {
        std::string_view mod = t.substr(p + 2, close - p - 2);
        const size_t space = mod.find(' ');
        ps.module.assign(mod.substr(0, space));
        if (space != std::string_view::npos) {
          std::string_view id = mod.substr(space + 1);
          if (id.size() >= 16 && id.size() <= 128 &&
              std::all_of(id.begin(), id.end(), [](char c) { return is_hex_digit(c); }))
            for (char c : id) ps.build_id += static_cast<char>(c >= 'A' && c <= 'F' ? c + 32 : c);
        }
        ps.end = close + 1;
      }
    }
    // "[mod:sym+0x1/0x2]" (klogd's own output) names a module too.
    if (size_t colon = ps.name.find(':'); colon != std::string::npos) ps.module = "?";
    out.push_back(std::move(ps));
    pos = p;
  }
  return out;
}

PrintedCheck check_printed_symbols(const std::vector<PrintedSymbol>& printed,
                                   const SymbolTable& map) {
  PrintedCheck c;
  std::set<std::string> seen;
  for (const PrintedSymbol& p : printed) {
    if (!p.module.empty() || !seen.insert(p.name).second) continue;
    ++c.checked;
    std::vector<uint64_t> addresses = map.addresses_of(p.name);
    std::optional<SymbolHit> hit;
    bool match = false;
    for (uint64_t a : addresses) {
      hit = map.lookup(a);
      if (hit && hit->size == p.size) match = true;
    }
    if (match) {
      ++c.agreed;
      continue;
    }
    if (c.disagreement.empty()) {
      c.disagreement = p.name + ": the log says size " + hex0x(p.size) + ", the map " +
                       (addresses.empty() ? std::string("has no such symbol")
                        : hit             ? "says " + hex0x(hit->size)
                                          : std::string("cannot size it"));
    }
  }
  return c;
}

}  // namespace klogd
