#include "kaslr.h"

#include <elf.h>

#include <cstring>
#include <set>

#include "util/hex.h"

namespace klogd {
namespace {

bool is_sym_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '$';
}

// Reads "0x" + hex at *p; advances.
bool read_hex(std::string_view t, size_t* p, uint64_t* out) {
  if (*p + 2 >= t.size() || t[*p] != '0' || t[*p + 1] != 'x') return false;
  size_t s = *p + 2, e = s;
  while (e < t.size() && e - s < 16 && is_hex_digit(t[e])) ++e;
  if (e == s || !parse_hex_u64(t.substr(s, e - s), out)) return false;
  *p = e;
  return true;
}

}  // namespace

std::optional<int64_t> parse_kernel_offset_line(std::string_view text) {
  size_t at = text.find("Kernel Offset: ");
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view rest = text.substr(at + 15);
  if (rest.starts_with("disabled")) return 0;
  size_t p = 0;
  uint64_t v = 0;
  if (!read_hex(rest, &p, &v)) return std::nullopt;
  return static_cast<int64_t>(v);
}

std::optional<uint64_t> runtime_text_from_kcore(std::string_view h, std::string* why) {
  if (h.size() < sizeof(Elf64_Ehdr) || std::memcmp(h.data(), ELFMAG, SELFMAG) != 0) {
    *why = "not an ELF file";
    return std::nullopt;
  }
  Elf64_Ehdr eh;
  std::memcpy(&eh, h.data(), sizeof eh);
  if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_type != ET_CORE) {
    *why = "not a 64-bit ELF core file";
    return std::nullopt;
  }
  if (eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phoff > h.size() ||
      eh.e_phnum > (h.size() - eh.e_phoff) / sizeof(Elf64_Phdr)) {
    *why = "program headers not readable";
    return std::nullopt;
  }
  for (size_t i = 0; i < eh.e_phnum; ++i) {
    Elf64_Phdr ph;
    std::memcpy(&ph, h.data() + eh.e_phoff + i * sizeof ph, sizeof ph);
    if (ph.p_type != PT_LOAD) continue;
    // The kernel image mapping: x86_64 puts it in [ffffffff80000000, ffffffffc0000000).
    if (ph.p_vaddr >= 0xffffffff80000000ull && ph.p_vaddr < 0xffffffffc0000000ull)
      return ph.p_vaddr;
  }
  *why = "no kernel text segment in the program headers";
  return std::nullopt;
}

bool config_disables_kaslr(std::string_view config) {
  if (config.find("# CONFIG_RANDOMIZE_BASE is not set") != std::string_view::npos) return true;
  return config.find("CONFIG_RANDOMIZE_BASE=y") == std::string_view::npos &&
         config.find("CONFIG_") != std::string_view::npos;
}

std::vector<PrintedSymbol> find_printed_symbols(std::string_view t) {
  std::vector<PrintedSymbol> out;
  size_t pos = 0;
  while ((pos = t.find("+0x", pos)) != std::string_view::npos) {
    size_t s = pos;
    while (s > 0 && is_sym_char(t[s - 1])) --s;
    size_t p = pos + 1;
    uint64_t off = 0, size = 0;
    if (s == pos || !read_hex(t, &p, &off) || p >= t.size() || t[p] != '/') {
      pos += 3;
      continue;
    }
    ++p;
    if (!read_hex(t, &p, &size) || (p < t.size() && is_sym_char(t[p]))) {
      pos += 3;
      continue;
    }
    PrintedSymbol ps;
    ps.name.assign(t.substr(s, pos - s));
    ps.offset = off;
    ps.size = size;
    if (p + 2 < t.size() && t[p] == ' ' && t[p + 1] == '[') {
      size_t close = t.find(']', p + 2);
      if (close != std::string_view::npos) {
        std::string_view mod = t.substr(p + 2, close - p - 2);
        ps.module.assign(mod.substr(0, mod.find(' ')));
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
