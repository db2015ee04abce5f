// The debug-info plugin (libklogd-debuginfo.so): DebugInfo on elfutils' libdwfl, loaded the
// first time a debug file is opened (util/plugin.h), so that a daemon whose configuration never
// asks for source lines maps neither libdw nor what it brings.
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "symbols/debug_info.h"
#include "util/hex.h"

namespace klogd {
namespace {

// No separate debug file is ever looked for: the file given is the one read.
int no_debuginfo(Dwfl_Module*, void**, const char*, Dwarf_Addr, const char*, const char*, GElf_Word,
                 char**) {
  return -1;
}

const Dwfl_Callbacks kOffline = {
    .find_elf = nullptr,
    .find_debuginfo = no_debuginfo,
    .section_address = dwfl_offline_section_address,
    .debuginfo_path = nullptr,
};

std::string die_name(Dwarf_Die* die) {
  Dwarf_Attribute attr;
  for (int at : {DW_AT_name, DW_AT_linkage_name}) {
    if (dwarf_attr_integrate(die, at, &attr)) {
      if (const char* s = dwarf_formstring(&attr)) return s;
    }
  }
  return "";
}

class ElfDebugInfo final : public DebugInfo {
 public:
  struct Impl;
  explicit ElfDebugInfo(std::unique_ptr<Impl> impl);
  ~ElfDebugInfo() override;
  static std::unique_ptr<ElfDebugInfo> open(const std::string& path, std::string* err);
  const std::string& build_id() const override { return build_id_; }
  const std::string& path() const override { return path_; }
  std::vector<SourceLocation> locate(uint64_t address) const override;
  std::optional<uint64_t> symbol_address(std::string_view name, uint64_t size) const override;
  Match match(std::string_view name, uint64_t size) const override;

 private:
  void read_symbols() const;
  std::string nearest_symbol(uint64_t address) const;
  std::unique_ptr<Impl> impl_;
  std::string path_;
  std::string build_id_;
};

}  // namespace

struct ElfDebugInfo::Impl {
  Dwfl* dwfl = nullptr;
  Dwfl_Module* mod = nullptr;
  int fd = -1;
  // Every symbol of the file, built on the first question about one. Names are views into the
  // file's own string table (libdwfl's, alive as long as `dwfl`): 130k symbols of a vmlinux
  // cost 6 MB here, where a string and a hash node each cost 25 MB.
  mutable bool symbols_read = false;
  struct Symbol {
    std::string_view name;
    uint64_t address, size, gap;  // gap: to the next symbol, the size kallsyms prints
    bool named;                   // a function, an object or an assembler entry: asked by name
    bool function;                // code (STT_FUNC, or an assembler entry's STT_NOTYPE)
  };
  mutable std::vector<Symbol> by_address;  // every symbol, sorted by address
  mutable std::vector<uint32_t> by_name;   // the named ones, their indices sorted by name
  /// The named symbols called `name`, as a range of by_name.
  std::pair<std::vector<uint32_t>::const_iterator, std::vector<uint32_t>::const_iterator> named(
      std::string_view name) const {
    return std::equal_range(by_name.begin(), by_name.end(), name, ByName{this});
  }
  struct ByName {
    const Impl* impl;
    std::string_view of(uint32_t i) const { return impl->by_address[i].name; }
    bool operator()(uint32_t a, std::string_view b) const { return of(a) < b; }
    bool operator()(std::string_view a, uint32_t b) const { return a < of(b); }
    bool operator()(uint32_t a, uint32_t b) const { return of(a) < of(b); }
  };
  // Files without .debug_aranges (Clang's kernels): elfutils 0.188 finds no unit for an address
  // there (fixed in 0.191), so the units' own address ranges are read, once, when first needed.
  bool no_aranges = false;
  mutable bool units_read = false;
  struct UnitRange {
    uint64_t low, high;  // [low, high), the file's addresses before the bias
    Dwarf_Off die;       // the unit's DIE
  };
  mutable std::vector<UnitRange> units;  // sorted by low
  void read_units() const;
  bool unit_at(uint64_t address, Dwarf_Die* cu, Dwarf_Addr* bias) const;
  ~Impl() {
    if (dwfl) dwfl_end(dwfl);  // closes fd, which libdwfl owns once reported
  }
};

void ElfDebugInfo::Impl::read_units() const {
  units_read = true;
  Dwarf_Addr bias = 0;
  Dwarf* dw = dwfl_module_getdwarf(mod, &bias);
  if (!dw) return;
  Dwarf_Off off = 0, next = 0;
  size_t header = 0;
  while (dwarf_nextcu(dw, off, &next, &header, nullptr, nullptr, nullptr) == 0) {
    Dwarf_Die cu;
    if (dwarf_offdie(dw, off + header, &cu)) {
      Dwarf_Addr base = 0, low = 0, high = 0;
      for (ptrdiff_t at = 0; (at = dwarf_ranges(&cu, at, &base, &low, &high)) > 0;)
        if (high > low) units.push_back({low, high, dwarf_dieoffset(&cu)});
    }
    off = next;
  }
  std::sort(units.begin(), units.end(),
            [](const UnitRange& a, const UnitRange& b) { return a.low < b.low; });
}

bool ElfDebugInfo::Impl::unit_at(uint64_t address, Dwarf_Die* cu, Dwarf_Addr* bias) const {
  Dwarf* dw = dwfl_module_getdwarf(mod, bias);
  if (!dw) return false;
  if (!units_read) read_units();
  const uint64_t a = address - *bias;
  auto it = std::upper_bound(units.begin(), units.end(), a,
                             [](uint64_t v, const UnitRange& u) { return v < u.low; });
  // ranges may nest or overlap a little: look back a few for one that holds the address
  for (int back = 0; it != units.begin() && back < 8; ++back) {
    --it;
    if (a < it->high) return dwarf_offdie(dw, it->die, cu) != nullptr;
  }
  return false;
}

ElfDebugInfo::ElfDebugInfo(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ElfDebugInfo::~ElfDebugInfo() = default;

std::unique_ptr<ElfDebugInfo> ElfDebugInfo::open(const std::string& path, std::string* err) {
  auto impl = std::make_unique<Impl>();
  impl->dwfl = dwfl_begin(&kOffline);
  if (!impl->dwfl) {
    *err = std::string("libdwfl: ") + dwfl_errmsg(-1);
    return nullptr;
  }
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);  // a FIFO does not block
  if (fd < 0) {
    *err = path + ": cannot open (" + std::strerror(errno) + ")";
    return nullptr;
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    *err = path + ": not a regular file";
    return nullptr;
  }
  dwfl_report_begin(impl->dwfl);
  impl->mod = dwfl_report_offline(impl->dwfl, "debuginfo", path.c_str(), fd);  // takes fd
  dwfl_report_end(impl->dwfl, nullptr, nullptr);
  if (!impl->mod) {
    *err = path + ": not an ELF file libdwfl can read (" + dwfl_errmsg(-1) + ")";
    return nullptr;
  }
  Dwarf_Addr bias = 0;
  Dwarf* dw = dwfl_module_getdwarf(impl->mod, &bias);
  if (!dw) {
    *err = path + ": no DWARF debug information (" + dwfl_errmsg(-1) + ")";
    return nullptr;
  }
  Dwarf_Aranges* aranges = nullptr;
  size_t naranges = 0;
  impl->no_aranges = dwarf_getaranges(dw, &aranges, &naranges) != 0 || naranges == 0;
  std::unique_ptr<ElfDebugInfo> d(new ElfDebugInfo(std::move(impl)));
  d->path_ = path;
  const unsigned char* bits = nullptr;
  GElf_Addr vaddr = 0;
  int n = dwfl_module_build_id(d->impl_->mod, &bits, &vaddr);
  if (n > 0) d->build_id_ = hex_bytes(bits, static_cast<size_t>(n));
  return d;
}

std::vector<SourceLocation> ElfDebugInfo::locate(uint64_t address) const {
  std::vector<SourceLocation> out;
  Dwfl_Module* mod = dwfl_addrmodule(impl_->dwfl, address);
  if (!mod) return out;
  int lineno = 0;
  const char* src = nullptr;
  Dwarf_Addr bias = 0;
  Dwarf_Die* cudie = nullptr;
  Dwarf_Die walked;
  if (Dwfl_Line* line = dwfl_module_getsrc(mod, address)) {
    src = dwfl_lineinfo(line, nullptr, &lineno, nullptr, nullptr, nullptr);
    cudie = dwfl_module_addrdie(mod, address, &bias);
  } else if (impl_->no_aranges && impl_->unit_at(address, &walked, &bias)) {
    cudie = &walked;
    if (Dwarf_Line* unit_line = dwarf_getsrc_die(cudie, address - bias)) {
      src = dwarf_linesrc(unit_line, nullptr, nullptr);
      dwarf_lineno(unit_line, &lineno);
    }
  }
  if (!src || lineno <= 0) return out;
  std::string file = kernel_tree_path(src);
  // The innermost scope at the address, then every DIE that contains it (dwarf_getscopes alone
  // skips from an inlined instance to its unit: the chain is the containing DIEs of that one).
  Dwarf_Die* scopes = nullptr;
  int n = cudie ? dwarf_getscopes(cudie, address - bias, &scopes) : 0;
  if (n > 0) {
    Dwarf_Die innermost = scopes[0];
    free(scopes);
    scopes = nullptr;
    n = dwarf_getscopes_die(&innermost, &scopes);
  }
  Dwarf_Files* files = nullptr;
  size_t nfiles = 0;
  if (cudie) dwarf_getsrcfiles(cudie, &files, &nfiles);
  for (int i = 0; i < n; ++i) {
    const int tag = dwarf_tag(&scopes[i]);
    if (tag != DW_TAG_subprogram && tag != DW_TAG_inlined_subroutine) continue;
    out.push_back({die_name(&scopes[i]), file, lineno, tag == DW_TAG_inlined_subroutine});
    if (tag == DW_TAG_subprogram) break;
    // the caller's location: where this function was inlined
    Dwarf_Attribute attr;
    Dwarf_Word call_file = 0, call_line = 0;
    if (!dwarf_attr(&scopes[i], DW_AT_call_file, &attr) ||
        dwarf_formudata(&attr, &call_file) != 0 ||
        !dwarf_attr(&scopes[i], DW_AT_call_line, &attr) ||
        dwarf_formudata(&attr, &call_line) != 0) {
      file.clear();
      lineno = 0;
      continue;
    }
    const char* name = files ? dwarf_filesrc(files, call_file, nullptr, nullptr) : nullptr;
    file = name ? kernel_tree_path(name) : "";
    lineno = static_cast<int>(call_line);
  }
  free(scopes);
  if (out.empty())  // lines, but no scope (an assembler unit): the symbol before it names it
    out.push_back({nearest_symbol(address), file, lineno, false});
  return out;
}

std::string ElfDebugInfo::nearest_symbol(uint64_t address) const {
  read_symbols();
  const auto& by = impl_->by_address;
  auto it = std::upper_bound(by.begin(), by.end(), address,
                             [](uint64_t a, const Impl::Symbol& e) { return a < e.address; });
  return it == by.begin() ? "" : std::string(std::prev(it)->name);
}

void ElfDebugInfo::read_symbols() const {
  if (impl_->symbols_read) return;
  impl_->symbols_read = true;
  // The kernel prints a symbol's size as kallsyms knows it: the distance to the next symbol
  // (alignment padding included), not the ELF size. Both are kept.
  auto& by = impl_->by_address;
  const int n = dwfl_module_getsymtab(impl_->mod);
  by.reserve(n > 0 ? static_cast<size_t>(n) : 0);
  for (int i = 0; i < n; ++i) {
    GElf_Sym sym;
    GElf_Addr addr = 0;
    GElf_Word shndx = 0;
    const char* s = dwfl_module_getsym_info(impl_->mod, i, &sym, &addr, &shndx, nullptr, nullptr);
    if (!s || *s == '\0' || shndx == SHN_UNDEF || shndx == SHN_ABS) continue;
    const int type = GELF_ST_TYPE(sym.st_info);  // assembler entry points have no type
    const bool named = type == STT_FUNC || type == STT_NOTYPE || type == STT_OBJECT;
    by.push_back({s, addr, sym.st_size, 0, named, named && type != STT_OBJECT});
  }
  std::stable_sort(by.begin(), by.end(), [](const Impl::Symbol& a, const Impl::Symbol& b) {
    return a.address < b.address;
  });
  // from the top down, the first symbol above each address known in one pass (many symbols at
  // one address cost no more than one each)
  size_t higher = by.size();  // the first symbol at an address above by[i]'s, or none
  for (size_t i = by.size(); i-- > 0;) {
    if (i + 1 < by.size() && by[i + 1].address != by[i].address) higher = i + 1;
    by[i].gap = higher == by.size() ? by[i].size : by[higher].address - by[i].address;
  }
  for (size_t i = 0; i < by.size(); ++i)
    if (by[i].named) impl_->by_name.push_back(static_cast<uint32_t>(i));
  std::stable_sort(impl_->by_name.begin(), impl_->by_name.end(), Impl::ByName{impl_.get()});
}

std::optional<uint64_t> ElfDebugInfo::symbol_address(std::string_view name, uint64_t size) const {
  read_symbols();
  auto [b, e] = impl_->named(name);
  std::optional<uint64_t> any;
  for (auto it = b; it != e; ++it) {
    const Impl::Symbol& sym = impl_->by_address[*it];
    if (size == 0 || sym.size == size || sym.gap == size) return sym.address;
    if (!any) any = sym.address;
  }
  return size == 0 ? any : std::nullopt;
}

DebugInfo::Match ElfDebugInfo::match(std::string_view name, uint64_t size) const {
  read_symbols();
  auto [b, e] = impl_->named(name);
  if (b == e) return Match::kNoSuchName;
  bool function = false;
  for (auto it = b; it != e; ++it) {
    const Impl::Symbol& sym = impl_->by_address[*it];
    if (size == 0 || sym.size == size || sym.gap == size) return Match::kHolds;
    function = function || sym.function;
  }
  return function ? Match::kFunctionOfOtherSize : Match::kObjectOfOtherSize;
}

}  // namespace klogd

/// The plugin's entry: a DebugInfo for `path` (owned by the caller), or null with *err.
extern "C" __attribute__((visibility("default"))) klogd::DebugInfo* klogd_debuginfo_open(
    const std::string& path, std::string* err) {
  return klogd::ElfDebugInfo::open(path, err).release();
}
