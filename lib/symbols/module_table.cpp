#include "symbols/module_table.h"

#include <algorithm>
#include <map>

#include "util/hex.h"
#include "util/text.h"

namespace klogd {

bool ModuleTable::load_files(const std::string& modules_path, const std::string& kallsyms_path,
                             std::string* err) {
  FileBuffer mods;
  if (!modules_path.empty() && !mods.load(modules_path, err)) return false;
  // kallsyms is mostly core symbols: keep only the module lines (those with a tab).
  std::string module_lines;
  if (!kallsyms_path.empty() && !for_each_file_line(
                                    kallsyms_path,
                                    [&](std::string_view line) {
                                      if (line.find('\t') != std::string_view::npos) {
                                        module_lines.append(line);
                                        module_lines.push_back('\n');
                                      }
                                    },
                                    err))
    return false;
  return load_text(mods.view(), module_lines, modules_path, kallsyms_path, err);
}

void ModuleTable::bad_line(const std::string& origin, size_t line_no, std::string_view why,
                           std::string_view line) {
  ++report_.bad_lines;
  if (report_.first_bad.size() < 5)
    report_.first_bad.push_back(origin + " line " + std::to_string(line_no) + ": " +
                                std::string(why) + ": " + std::string(line.substr(0, 80)));
}

// /proc/modules: "name size refcount deps state address [taints]".
void ModuleTable::read_modules(std::string_view text, const std::string& origin, Index* index) {
  for_each_line(text, [&](std::string_view line, size_t line_no) {
    if (line.empty()) return;
    auto f = split_fields(line);
    if (f.size() < 6) return bad_line(origin, line_no, "fewer than 6 fields", line);
    uint64_t size = 0, base = 0;
    std::string_view addr = f[5];
    if (addr.starts_with("0x")) addr.remove_prefix(2);
    std::optional<uint64_t> size_field = parse_decimal(f[1]);
    if (size_field) size = *size_field;
    if (!size_field || !parse_hex_u64(addr, &base))
      return bad_line(origin, line_no, "bad size or address", line);
    if (index->count(f[0])) return bad_line(origin, line_no, "module listed twice", line);
    ModuleInfo m;
    m.name = std::string(f[0]);
    m.base = base;
    m.size = size;
    m.state = std::string(f[4]);
    if (base == 0) ++report_.hidden_bases;
    index->emplace(m.name, modules_.size());
    modules_.push_back(std::move(m));
  });
}

// kallsyms' module lines, "ADDR TYPE NAME\t[module]": the text symbols, each with its module
// (one kallsyms names but /proc/modules does not is a pseudo-module, as __builtin__ftrace).
void ModuleTable::read_module_symbols(std::string_view text, const std::string& origin,
                                      Index* index, std::vector<Pending>* pending) {
  for_each_line(text, [&](std::string_view line, size_t line_no) {
    size_t tab = line.find('\t');
    if (tab == std::string_view::npos) return;  // a core symbol: not ours
    std::string_view mod = line.substr(tab + 1);
    std::string_view head = line.substr(0, tab);
    size_t sp = head.find(' ');
    if (mod.size() < 3 || mod.front() != '[' || mod.back() != ']' || sp == std::string_view::npos ||
        head.size() < sp + 4 || head[sp + 2] != ' ')
      return bad_line(origin, line_no, "not ADDR TYPE NAME\\t[module]", line);
    uint64_t address = 0;
    if (!parse_hex_u64(head.substr(0, sp), &address))
      return bad_line(origin, line_no, "address is not hex", line);
    char type = head[sp + 1];
    std::string_view name = head.substr(sp + 3);
    if (!is_text_type(type)) return;
    if (address == 0) {
      ++report_.zero_addresses;
      return;
    }
    mod = mod.substr(1, mod.size() - 2);
    // "[crashme]" or, with build ids, "[crashme abcd...]": the module name is the first word.
    mod = mod.substr(0, mod.find(' '));
    auto it = index->find(mod);
    if (it == index->end()) {
      ModuleInfo m;
      m.name = std::string(mod);
      m.listed = false;
      it = index->emplace(m.name, modules_.size()).first;
      modules_.push_back(std::move(m));
    }
    if (name.size() > UINT16_MAX) return bad_line(origin, line_no, "name too long", line);
    Sym s{address, static_cast<uint32_t>(names_.size()), static_cast<uint16_t>(name.size()),
          kallsyms_rank(type, name)};
    names_.append(name);
    pending->push_back({s, it->second});
  });
}

// Each module's symbols in address order, the first-ranked name of an address kept, those
// outside a listed module's range left out.
void ModuleTable::place_symbols(std::vector<Pending> pending) {
  std::stable_sort(pending.begin(), pending.end(), [](const Pending& a, const Pending& b) {
    if (a.module != b.module) return a.module < b.module;
    if (a.sym.address != b.sym.address) return a.sym.address < b.sym.address;
    return a.sym.rank < b.sym.rank;
  });
  for (size_t i = 0; i < pending.size();) {
    size_t m = pending[i].module;
    ModuleInfo& info = modules_[m];
    info.first_symbol = static_cast<uint32_t>(symbols_.size());
    uint64_t lo = 0, hi = 0;
    for (; i < pending.size() && pending[i].module == m; ++i) {
      const Sym& s = pending[i].sym;
      if (info.listed && info.base != 0 &&
          (s.address < info.base || s.address >= info.base + info.size))
        continue;  // outside the module's range: cannot be trusted
      if (!symbols_.empty() && info.symbol_count > 0 && symbols_.back().address == s.address)
        continue;  // an alias: the first-ranked name is kept
      if (info.symbol_count == 0) lo = s.address;
      hi = s.address;
      symbols_.push_back(s);
      ++info.symbol_count;
    }
    if (!info.listed && info.symbol_count > 0) {  // for the record: where its symbols lie
      info.base = lo;
      info.size = hi - lo;
    }
  }
}

// The listed modules' ranges; the pseudo-modules' symbols, all of them in one address order:
// each extends to the next symbol of any pseudo-module or the start of the next listed module,
// whichever comes first. The last one has no known end. One that lies inside a listed module is
// that module's business.
void ModuleTable::build_ranges() {
  for (size_t i = 0; i < modules_.size(); ++i)
    if (modules_[i].listed && modules_[i].base != 0 && modules_[i].size != 0)
      ranges_.push_back(static_cast<uint32_t>(i));
  std::sort(ranges_.begin(), ranges_.end(),
            [&](uint32_t a, uint32_t b) { return modules_[a].base < modules_[b].base; });
  for (uint32_t m = 0; m < modules_.size(); ++m) {
    const ModuleInfo& info = modules_[m];
    if (info.listed) continue;
    for (uint32_t k = 0; k < info.symbol_count; ++k) {
      uint32_t sym = info.first_symbol + k;
      if (!find_listed(symbols_[sym].address))
        pseudo_.push_back({symbols_[sym].address, 0, m, sym});
    }
  }
  std::sort(pseudo_.begin(), pseudo_.end(),
            [](const Pseudo& a, const Pseudo& b) { return a.address < b.address; });
  for (size_t i = 0; i < pseudo_.size(); ++i) {
    uint64_t end = 0;
    for (size_t j = i + 1; j < pseudo_.size() && end == 0; ++j)
      if (pseudo_[j].address > pseudo_[i].address) end = pseudo_[j].address;
    auto next = std::upper_bound(ranges_.begin(), ranges_.end(), pseudo_[i].address,
                                 [&](uint64_t a, uint32_t r) { return a < modules_[r].base; });
    if (next != ranges_.end() && (end == 0 || modules_[*next].base < end))
      end = modules_[*next].base;
    pseudo_[i].end = end;
  }
}

bool ModuleTable::load_text(std::string_view modules_text, std::string_view kallsyms_text,
                            const std::string& modules_origin, const std::string& kallsyms_origin,
                            std::string*) {
  modules_.clear();
  ranges_.clear();
  pseudo_.clear();
  symbols_.clear();
  names_.clear();
  report_ = {};
  Index index;
  read_modules(modules_text, modules_origin, &index);
  std::vector<Pending> pending;
  read_module_symbols(kallsyms_text, kallsyms_origin, &index, &pending);
  place_symbols(std::move(pending));
  report_.symbols = symbols_.size();
  report_.modules = modules_.size();
  build_ranges();
  return true;
}

const ModuleInfo* ModuleTable::find_listed(uint64_t address) const {
  auto it = std::upper_bound(ranges_.begin(), ranges_.end(), address,
                             [&](uint64_t a, uint32_t i) { return a < modules_[i].base; });
  if (it == ranges_.begin()) return nullptr;
  const ModuleInfo& m = modules_[*(it - 1)];
  return address - m.base < m.size ? &m : nullptr;
}

const ModuleTable::Pseudo* ModuleTable::find_pseudo(uint64_t address) const {
  auto it = std::upper_bound(pseudo_.begin(), pseudo_.end(), address,
                             [](uint64_t a, const Pseudo& p) { return a < p.address; });
  if (it == pseudo_.begin()) return nullptr;
  const Pseudo& p = *(it - 1);
  return p.end > address ? &p : nullptr;  // no end known, or past it: nobody's
}

const ModuleInfo* ModuleTable::find_module(uint64_t address) const {
  if (const ModuleInfo* m = find_listed(address)) return m;
  const Pseudo* p = find_pseudo(address);
  return p ? &modules_[p->module] : nullptr;
}

std::optional<SymbolHit> ModuleTable::lookup_symbol(const ModuleInfo& m, uint64_t address) const {
  if (m.symbol_count == 0) return std::nullopt;
  if (!m.listed) {
    const Pseudo* p = find_pseudo(address);
    if (!p || &modules_[p->module] != &m) return std::nullopt;
    const Sym& s = symbols_[p->symbol];
    return SymbolHit{name_of(s), s.address, address - s.address, p->end - s.address};
  }
  auto first = symbols_.begin() + m.first_symbol;
  auto last = first + m.symbol_count;
  auto it = std::upper_bound(first, last, address,
                             [](uint64_t a, const Sym& s) { return a < s.address; });
  if (it == first) return std::nullopt;
  const Sym& s = *(it - 1);
  uint64_t end;
  if (it != last) {
    end = it->address;
  } else if (m.listed) {
    end = m.base + m.size;
  } else {
    return std::nullopt;
  }
  if (address >= end) return std::nullopt;
  return SymbolHit{name_of(s), s.address, address - s.address, end - s.address};
}

}  // namespace klogd
