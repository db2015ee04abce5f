#pragma once
/// A sorted, flat table of kernel text symbols, loaded from a System.map or a kallsyms-format
/// file ("ADDR TYPE NAME", optionally "\t[module]"), that resolves an address to
/// symbol + offset / size.
///
/// Contract:
/// - Only text symbols take part in lookups: nm types t, T, w, W with a non-zero address. Data,
///   rodata, bss and absolute symbols (d D r R b B A V ...) are counted and skipped: the annotator
///   only names code, and a data symbol between two functions would shorten their sizes.
/// - Several symbols at one address: the one scripts/kallsyms.c ranks first is the name, i.e.
///   strong before weak (w/W), real names before linker-script markers (__start_*, __stop_*,
///   __end_*, __*_start, __*_end), fewer leading underscores, then file order. The others are
///   aliases: found by name, never printed for an address.
/// - _etext and _einittext end the kernel's text: an address at or after one of them, before the
///   next text symbol, is not found (it is rodata or data).
/// - size = distance from a symbol to the next symbol at a higher address. The last symbol has
///   no successor and no size: an address at or past it is not found. An address below the first
///   symbol is not found. Not found is never a wrong name.
/// - Lines that do not parse are skipped and counted; the first few are kept with their line
///   numbers. Module lines ("\t[mod]") are counted and left to the module table.
/// - A const SymbolTable may be shared between threads without locking; loading is not
///   thread-safe. The table holds its file's bytes (mmap'ed) and points names into them.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/file_buffer.h"

namespace klogd {

/// What an address resolved to.
struct SymbolHit {
  std::string_view name;
  uint64_t start = 0;   ///< the symbol's address (in the table's own address space)
  uint64_t offset = 0;  ///< address - start
  uint64_t size = 0;    ///< distance to the next symbol (or to the end bound)
};

/// Counts from a load, for the daemon's log and for --check-map.
struct SymbolLoadReport {
  size_t lines = 0;
  size_t text_symbols = 0;    ///< kept (including aliases)
  size_t other_symbols = 0;   ///< well-formed but not text (data, bss, absolute, ...)
  size_t module_lines = 0;    ///< lines with a "\t[module]" suffix (not loaded here)
  size_t zero_addresses = 0;  ///< text symbols whose address reads 0 (kptr_restrict hides them)
  size_t bad_lines = 0;
  std::vector<std::string> first_bad;  ///< "line N: reason: text" for the first few bad lines
  int address_digits = 0;              ///< hex width of the file's addresses (8 or 16 usually)
  bool placeholder = false;   ///< Debian's one-line "The real System.map is in ..." placeholder
  uint64_t version_code = 0;  ///< from an old kernel's "Version_NNNNN" symbol, if any
};

class SymbolTable {
 public:
  SymbolTable() = default;
  SymbolTable(SymbolTable&&) noexcept = default;
  SymbolTable& operator=(SymbolTable&&) noexcept = default;

  /// Loads a map file. False with a message naming the file when it cannot be read or is plainly
  /// not a symbol table (placeholder, empty, no text symbol); the report is filled either way.
  bool load_file(const std::string& path, std::string* err, SymbolLoadReport* report = nullptr);
  /// The same from bytes in memory; `origin` names them in messages.
  bool load_text(std::string text, const std::string& origin, std::string* err,
                 SymbolLoadReport* report = nullptr);

  /// Resolves an address of the table's address space. nullopt = not found.
  std::optional<SymbolHit> lookup(uint64_t address) const;
  /// The address of a symbol by name (aliases included); linear, for checks and tests.
  std::optional<uint64_t> address_of(std::string_view name) const;
  /// Every address carrying that name (static functions share names across files).
  std::vector<uint64_t> addresses_of(std::string_view name) const;

  bool empty() const { return primary_.empty(); }
  size_t size() const { return primary_.size(); }  ///< distinct addresses
  size_t alias_count() const { return aliases_.size(); }
  uint64_t first_address() const { return primary_.empty() ? 0 : primary_.front().address; }
  /// One past the last address that can resolve.
  uint64_t end_address() const;
  /// The i-th symbol by address (0 <= i < size()), for sampling in checks.
  std::string_view name_at(size_t i) const { return name_of(primary_[i]); }
  uint64_t address_at(size_t i) const { return primary_[i].address; }
  const SymbolLoadReport& report() const { return report_; }
  /// The file's module lines ("ADDR TYPE NAME\t[module]"), for the module table: when the file
  /// was /proc/kallsyms, this spares reading it again (the kernel takes tens of ms to make it).
  std::string module_lines() const;
  /// Drops the file's pages from the resident set (see FileBuffer::release_pages).
  void release_pages() const { buffer_.release_pages(); }

 private:
  struct Entry {
    uint64_t address;
    uint32_t name_offset;
    uint16_t name_length;
    uint8_t rank;  // lower wins at a shared address (kallsyms.c order)
    uint8_t type;
  };
  static_assert(sizeof(Entry) == 16);
  static constexpr uint8_t kEndMarker = 0;  // Entry::type of _etext / _einittext

  // The text being read: what was found so far.
  struct Parsing {
    std::vector<Entry> entries;
    bool sorted = true;
    uint64_t previous = 0;
    const char* names_base = nullptr;  // a mapped text: names are where the text has them
    std::string* names = nullptr;      // a stream: names are copied here
    SymbolLoadReport report;
    std::vector<std::pair<size_t, std::string>> bad;  // line number, "reason: text"
    std::vector<std::pair<std::string, uint64_t>> markers;
    size_t line_count = 0;
  };
  bool parse(const std::string& origin, std::string* err);
  void parse_part(const char* from, const char* to, Parsing* p);
  /// `b`, parsed from the text right after `a`'s, appended to `a` as if one pass read both.
  static void join_parts(Parsing* a, Parsing b);
  bool take_common_line(const char* p, const char* end, Parsing* parsing, const char** next);
  bool load_stream(int fd, const std::string& origin, std::string* err);
  void take_line(std::string_view line, size_t number, Parsing* p);
  bool finish(Parsing* p, const std::string& origin, std::string* err);
  bool read_line(std::string_view line, Parsing* p, Entry* out, std::string_view* name,
                 const char** why);
  std::string empty_table_error(const std::string& origin) const;
  void keep_in_order(std::vector<Entry> entries, bool sorted);
  void build_index();
  std::string_view name_of(const Entry& e) const {
    return buffer_.view().substr(e.name_offset, e.name_length);
  }

  FileBuffer buffer_;
  std::vector<Entry> primary_;  // one per distinct address, sorted
  std::vector<Entry> aliases_;  // the other names at those addresses
  // The kernel's text markers, found while the file is read: address_of() answers them without
  // reading names all over the file again (its pages were given back after the load).
  std::vector<std::pair<std::string, uint64_t>> markers_;
  std::string module_text_;       // a streamed file's module lines (module_lines())
  std::vector<uint32_t> bucket_;  // bucket b: first primary index with address >= base + b<<shift
  unsigned shift_ = 0;
  SymbolLoadReport report_;
};

/// True for the nm types that take part in lookups (t T w W).
inline bool is_text_type(char t) { return t == 't' || t == 'T' || t == 'w' || t == 'W'; }

/// The rank of a symbol among those sharing its address, lower first, as scripts/kallsyms.c
/// orders them: strong before weak, real names before linker-script markers, fewer leading
/// underscores (file order breaks the remaining ties).
uint8_t kallsyms_rank(char type, std::string_view name);

/// kallsyms.c's "may be a linker script provided symbol" test, exactly.
bool is_linker_script_marker(std::string_view name);

}  // namespace klogd
