#pragma once
/// Loadable modules and their text symbols, from files shaped like /proc/modules
/// ("name size refcount deps state address [taints]") and /proc/kallsyms module lines
/// ("ADDR TYPE NAME\t[module]"). Built off the hot path and swapped in whole (see Symbolizer).
///
/// Rules:
/// - A module covers [address, address + size) from /proc/modules. An address there belongs to
///   that module, whatever the symbols say.
/// - Its text symbols (t T w W) from kallsyms are sorted (kallsyms does not sort inside a module)
///   and ranked at shared addresses as in SymbolTable; a symbol's size runs to the next symbol
///   of the same module, and the last one's to the module's end — never to another module.
/// - Pseudo-modules that /proc/modules does not list ([bpf], [__builtin__ftrace], or every
///   module when only kallsyms is given) have no range of their own: each of their symbols
///   extends to the next symbol of any pseudo-module or to the start of the next listed module,
///   whichever comes first, and the very last one has no known end and does not resolve. So a
///   symbol's size never runs into another module, and an address that no module owns is
///   unknown, never the previous program's.
/// - A base of 0 in /proc/modules (kptr_restrict, or a kernel without kallsyms) means the range
///   is unknown: that module's addresses are not claimed, and `hidden_bases()` says so.
/// A const ModuleTable may be shared between threads.

#include <cstdint>
#include <optional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "symbols/symbol_table.h"

namespace klogd {

struct ModuleInfo {
  std::string name;
  uint64_t base = 0;
  uint64_t size = 0;
  std::string state;          ///< Live, Loading, Unloading
  bool listed = true;         ///< false for a pseudo-module known from kallsyms only
  uint32_t first_symbol = 0;  ///< index range into the table's symbol array
  uint32_t symbol_count = 0;
};

struct ModuleLoadReport {
  size_t modules = 0;
  size_t hidden_bases = 0;    ///< modules whose base reads 0
  size_t symbols = 0;         ///< module text symbols kept
  size_t zero_addresses = 0;  ///< module symbols whose address reads 0
  size_t bad_lines = 0;
  std::vector<std::string> first_bad;
};

class ModuleTable {
 public:
  /// Either text may be empty (no /proc/modules, or no kallsyms). `origin_*` name them.
  bool load_text(std::string_view modules_text, std::string_view kallsyms_text,
                 const std::string& modules_origin, const std::string& kallsyms_origin,
                 std::string* err);
  /// Reads the files; an empty path is skipped. False only when a named file cannot be read.
  bool load_files(const std::string& modules_path, const std::string& kallsyms_path,
                  std::string* err);

  const ModuleInfo* find_module(uint64_t address) const;
  std::optional<SymbolHit> lookup_symbol(const ModuleInfo& m, uint64_t address) const;
  const std::vector<ModuleInfo>& modules() const { return modules_; }
  const ModuleLoadReport& report() const { return report_; }
  bool hidden_bases() const { return report_.hidden_bases > 0; }
  bool empty() const { return modules_.empty(); }

 private:
  struct Sym {
    uint64_t address;
    uint32_t name_offset;
    uint16_t name_length;
    uint8_t rank;
  };
  std::string_view name_of(const Sym& s) const {
    return std::string_view(names_).substr(s.name_offset, s.name_length);
  }
  struct Pseudo {
    uint64_t address;
    uint64_t end;  // 0: unknown
    uint32_t module;
    uint32_t symbol;
  };
  const ModuleInfo* find_listed(uint64_t address) const;
  const Pseudo* find_pseudo(uint64_t address) const;
  // load_text()'s steps, in order
  struct Pending {
    Sym sym;
    size_t module;
  };
  using Index = std::map<std::string, size_t, std::less<>>;  // module name -> modules_ index
  void bad_line(const std::string& origin, size_t line_no, std::string_view why,
                std::string_view line);
  void read_modules(std::string_view text, const std::string& origin, Index* index);
  void read_module_symbols(std::string_view text, const std::string& origin, Index* index,
                           std::vector<Pending>* pending);
  void place_symbols(std::vector<Pending> pending);
  void build_ranges();

  std::vector<ModuleInfo> modules_;
  std::vector<uint32_t> ranges_;  // listed modules with a known range, sorted by base
  std::vector<Pseudo> pseudo_;    // pseudo-modules' symbols, sorted by address
  std::vector<Sym> symbols_;
  std::string names_;
  ModuleLoadReport report_;
};

}  // namespace klogd
