#include "symbols/symbol_table.h"

#include <algorithm>
#include <cctype>
#include <cstring>

#include "util/gzip_file.h"
#include "util/hex.h"
#include "util/text.h"

namespace klogd {
namespace {

constexpr size_t kMaxReportedBadLines = 5;

}  // namespace

uint8_t kallsyms_rank(char type, std::string_view name) {
  unsigned weak = (type == 'w' || type == 'W') ? 1 : 0;
  unsigned marker = is_linker_script_marker(name) ? 1 : 0;
  size_t underscores = name.find_first_not_of('_');
  if (underscores == std::string_view::npos) underscores = name.size();
  return static_cast<uint8_t>(weak << 7 | marker << 6 | std::min<size_t>(underscores, 63));
}

bool is_linker_script_marker(std::string_view name) {
  // scripts/kallsyms.c: may_be_linker_script_provide_symbol()
  if (name.size() < 8) return false;
  if (name[0] != '_' || name[1] != '_') return false;
  std::string_view rest = name.substr(2);
  return rest.starts_with("start_") || rest.starts_with("stop_") || rest.starts_with("end_") ||
         name.ends_with("_start") || name.ends_with("_end");
}

bool SymbolTable::load_file(const std::string& path, std::string* err, SymbolLoadReport* report) {
  primary_.clear();
  aliases_.clear();
  report_ = {};
  bool ok = buffer_.load(path, err);
  if (ok && buffer_.view().starts_with("\x1f\x8b")) {  // a gzip'ed map (System.map.gz)
    std::string text;
    ok = read_gzip_file(path, &text, err);
    if (ok) buffer_.assign(std::move(text));
  }
  ok = ok && parse(path, err);
  buffer_.release_pages();
  if (report) *report = report_;
  return ok;
}

bool SymbolTable::load_text(std::string text, const std::string& origin, std::string* err,
                            SymbolLoadReport* report) {
  primary_.clear();
  aliases_.clear();
  report_ = {};
  buffer_.assign(std::move(text));
  bool ok = parse(origin, err);
  if (report) *report = report_;
  return ok;
}

// One line of a map or kallsyms ("ADDR TYPE NAME[\tMOD]"): true with *out for a text symbol;
// false for what is not one, with *why when the line is bad (other lines are counted).
bool SymbolTable::read_line(std::string_view line, size_t line_offset, Entry* out,
                            const char** why) {
  *why = nullptr;
  const size_t sp = line.find(' ');  // ADDR
  if (sp == std::string_view::npos) return (*why = "no fields"), false;
  uint64_t address = 0;
  if (!parse_hex_u64(line.substr(0, sp), &address))
    return (*why = sp > 16 ? "address longer than 16 hex digits" : "address is not hex"), false;
  if (line.size() < sp + 4 || line[sp + 2] != ' ' || line[sp + 1] == ' ')  // TYPE
    return (*why = "no type and name after the address"), false;
  const char type = line[sp + 1];
  std::string_view name = line.substr(sp + 3);
  std::string_view module;
  if (const size_t tab = name.find('\t'); tab != std::string_view::npos) {
    module = name.substr(tab + 1);
    name = name.substr(0, tab);
  }
  if (name.find(' ') != std::string_view::npos) {
    if (!name.starts_with("The real System.map is in"))
      return (*why = "space in symbol name"), false;
    report_.placeholder = true;
    return false;
  }
  if (name.empty()) return (*why = "empty symbol name"), false;
  if (!module.empty()) {
    if (module.size() < 3 || module.front() != '[' || module.back() != ']')
      return (*why = "module field is not [name]"), false;
    ++report_.module_lines;
    return false;
  }
  if (name.starts_with("Version_")) {
    uint64_t code = 0;
    bool digits_only = name.size() > 8;
    for (char ch : name.substr(8)) {
      digits_only = digits_only && ch >= '0' && ch <= '9';
      if (digits_only) code = code * 10 + static_cast<uint64_t>(ch - '0');
    }
    if (digits_only) report_.version_code = code;
  }
  if (!is_text_type(type)) {
    if (!std::isalpha(static_cast<unsigned char>(type)) && type != '?' && type != '-')
      return (*why = "unknown symbol type"), false;
    ++report_.other_symbols;
    return false;
  }
  if (address == 0) {
    ++report_.zero_addresses;
    return false;
  }
  const int digits = static_cast<int>(sp);
  if (report_.address_digits == 0)
    report_.address_digits = digits;
  else if (digits != report_.address_digits)
    return (*why = "address width differs from the file's first text symbol"), false;
  if (name.size() > UINT16_MAX) return (*why = "symbol name too long"), false;
  const size_t name_offset = line_offset + sp + 3;
  if (name_offset > UINT32_MAX) return (*why = "file too large"), false;
  *out = Entry{address, static_cast<uint32_t>(name_offset), static_cast<uint16_t>(name.size()),
               kallsyms_rank(type, name), static_cast<uint8_t>(type)};
  return true;
}

// Why a file gave no text symbol at all.
std::string SymbolTable::empty_table_error(const std::string& origin) const {
  if (report_.placeholder)
    return origin +
           ": this is Debian's placeholder, not a System.map (\"The real System.map is in the "
           "linux-image-<version>-dbg package\")";
  if (report_.zero_addresses > 0)
    return origin +
           ": every text symbol has address 0 (kernel pointers hidden: kptr_restrict, or no "
           "CAP_SYSLOG)";
  if (report_.lines == 0) return origin + ": empty file, not a symbol table";
  std::string err = origin + ": not a symbol table: no text symbol in " +
                    std::to_string(report_.lines) + " lines";
  if (!report_.first_bad.empty()) err += " (" + report_.first_bad.front() + ")";
  return err;
}

bool SymbolTable::parse(const std::string& origin, std::string* err) {
  std::string_view all = buffer_.view();
  std::vector<Entry> entries;
  entries.reserve(all.size() / 28 + 16);  // virtual only: pages are touched as entries land
  bool sorted = true;
  uint64_t previous = 0;
  for_each_line(all, [&](std::string_view line, size_t number) {
    if (line.empty()) return;
    ++report_.lines;
    Entry e;
    const char* why = nullptr;
    if (read_line(line, static_cast<size_t>(line.data() - all.data()), &e, &why)) {
      sorted = sorted && e.address >= previous;
      previous = e.address;
      entries.push_back(e);
    } else if (why) {
      ++report_.bad_lines;
      if (report_.first_bad.size() < kMaxReportedBadLines) {
        std::string shown(line.substr(0, 80));
        for (char& c : shown)  // never raw bytes into the log
          if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) c = '?';
        report_.first_bad.push_back("line " + std::to_string(number) + ": " + why + ": " + shown);
      }
    }
  });
  report_.text_symbols = entries.size();
  if (entries.empty()) {
    *err = empty_table_error(origin);
    return false;
  }
  keep_in_order(std::move(entries), sorted);
  build_index();
  return true;
}

// The entries by address, the one the kernel names first at each address kept (the others are
// its aliases), the kernel's ends of text marked.
void SymbolTable::keep_in_order(std::vector<Entry> entries, bool sorted) {
  auto by_address_then_rank = [](const Entry& a, const Entry& b) {
    return a.address != b.address ? a.address < b.address : a.rank < b.rank;
  };
  if (!sorted) {
    std::stable_sort(entries.begin(), entries.end(), by_address_then_rank);
  } else {
    // Sorted by address already (System.map, kallsyms): only rank the runs of shared addresses.
    for (size_t i = 0; i + 1 < entries.size();) {
      size_t j = i + 1;
      while (j < entries.size() && entries[j].address == entries[i].address) ++j;
      if (j - i > 1)
        std::stable_sort(entries.begin() + i, entries.begin() + j, by_address_then_rank);
      i = j;
    }
  }
  size_t kept = 0;  // the winners of each address split from their aliases, in place
  for (size_t i = 0; i < entries.size(); ++i) {
    if (kept > 0 && entries[i].address == entries[kept - 1].address)
      aliases_.push_back(entries[i]);
    else
      entries[kept++] = entries[i];
  }
  entries.resize(kept);
  // The kernel's own ends of text (kallsyms.c's text ranges end there): what follows them up to
  // the next text symbol is rodata or data, never a function.
  for (Entry& e : entries) {
    std::string_view n = name_of(e);
    if (n == "_etext" || n == "_einittext") e.type = kEndMarker;
  }
  primary_ = std::move(entries);
}

void SymbolTable::build_index() {
  bucket_.clear();
  uint64_t base = primary_.front().address;
  uint64_t span = primary_.back().address - base;
  // About one symbol per bucket: a lookup then searches one or two entries.
  shift_ = 0;
  while ((span >> shift_) > primary_.size()) ++shift_;
  size_t buckets = static_cast<size_t>(span >> shift_) + 1;
  bucket_.resize(buckets + 1);
  size_t i = 0;
  for (size_t b = 0; b < buckets; ++b) {
    uint64_t bucket_start = base + (static_cast<uint64_t>(b) << shift_);
    while (i < primary_.size() && primary_[i].address < bucket_start) ++i;
    bucket_[b] = static_cast<uint32_t>(i);
  }
  bucket_[buckets] = static_cast<uint32_t>(primary_.size());
}

uint64_t SymbolTable::end_address() const {
  if (primary_.empty()) return 0;
  return primary_.back().address;
}

std::optional<SymbolHit> SymbolTable::lookup(uint64_t address) const {
  if (primary_.empty() || address < primary_.front().address) return std::nullopt;
  size_t b = static_cast<size_t>((address - primary_.front().address) >> shift_);
  size_t index;
  if (b + 1 >= bucket_.size()) {
    index = primary_.size() - 1;
  } else {
    auto first = primary_.begin() + bucket_[b];
    auto last = primary_.begin() + bucket_[b + 1];
    auto it = std::upper_bound(first, last, address,
                               [](uint64_t a, const Entry& e) { return a < e.address; });
    index = static_cast<size_t>(it - primary_.begin()) - 1;
  }
  const Entry& e = primary_[index];
  if (e.type == kEndMarker) return std::nullopt;  // between _etext and the next text section
  if (index + 1 == primary_.size()) return std::nullopt;  // the last symbol has no size
  uint64_t size = primary_[index + 1].address - e.address;
  uint64_t offset = address - e.address;
  if (offset >= size) return std::nullopt;
  return SymbolHit{name_of(e), e.address, offset, size};
}

std::optional<uint64_t> SymbolTable::address_of(std::string_view name) const {
  for (const auto* v : {&primary_, &aliases_})
    for (const Entry& e : *v)
      if (name_of(e) == name) return e.address;
  return std::nullopt;
}

std::string SymbolTable::module_lines() const {
  std::string out;
  std::string_view all = buffer_.view();
  for (size_t tab = all.find('\t'); tab != std::string_view::npos; tab = all.find('\t', tab + 1)) {
    size_t begin = all.rfind('\n', tab);
    begin = begin == std::string_view::npos ? 0 : begin + 1;
    size_t end = all.find('\n', tab);
    if (end == std::string_view::npos) end = all.size();
    out.append(all.substr(begin, end - begin));
    out.push_back('\n');
    tab = end;
  }
  return out;
}

std::vector<uint64_t> SymbolTable::addresses_of(std::string_view name) const {
  std::vector<uint64_t> out;
  for (const auto* v : {&primary_, &aliases_})
    for (const Entry& e : *v)
      if (name_of(e) == name) out.push_back(e.address);
  return out;
}

}  // namespace klogd
