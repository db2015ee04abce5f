#include "symbols/symbol_table.h"

#include <fcntl.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <thread>

#include "util/gzip_file.h"
#include "util/hex.h"
#include "util/text.h"

namespace klogd {
namespace {

constexpr size_t kMaxReportedBadLines = 5;
// From this size on a mapped map is parsed by two threads (a distribution kernel's: 4-6 MB).
constexpr size_t kParallelBytes = size_t{1} << 20;

}  // namespace

uint8_t kallsyms_rank(char type, std::string_view name) {
  unsigned weak = (type == 'w' || type == 'W') ? 1 : 0;
  size_t underscores = 0;
  while (underscores < name.size() && name[underscores] == '_') ++underscores;
  unsigned marker = underscores >= 2 && is_linker_script_marker(name) ? 1 : 0;
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

namespace {
// The names looked up by name (map_check.cpp's anchors): their addresses are kept as the file is
// read, so that a lookup never reads names all over a file whose pages were given back.
bool is_marker(std::string_view name) {
  return name == "_text" || name == "_stext" || name == "_etext" || name == "start_kernel";
}
}  // namespace

bool SymbolTable::load_file(const std::string& path, std::string* err, SymbolLoadReport* report) {
  primary_.clear();
  aliases_.clear();
  markers_.clear();
  module_text_.clear();
  report_ = {};
  {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    struct stat st {};
    if (fd >= 0 && ::fstat(fd, &st) == 0 && !(S_ISREG(st.st_mode) && st.st_size > 0) &&
        !S_ISDIR(st.st_mode)) {
      const bool streamed = load_stream(fd, path, err);
      ::close(fd);
      if (report) *report = report_;
      return streamed;
    }
    if (fd >= 0) ::close(fd);
  }
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
  markers_.clear();
  module_text_.clear();
  report_ = {};
  buffer_.assign(std::move(text));
  bool ok = parse(origin, err);
  if (report) *report = report_;
  return ok;
}

// One line of a map or kallsyms ("ADDR TYPE NAME[\tMOD]"): true with *out for a text symbol;
// false for what is not one, with *why when the line is bad (other lines are counted).
bool SymbolTable::read_line(std::string_view line, Parsing* p, Entry* out,
                            std::string_view* name_out, const char** why) {
  SymbolLoadReport& report = p->report;
  *why = nullptr;
  uint64_t address = 0;
  size_t sp = 16;  // ADDR: nearly always 16 hex digits then a space, read eight at a time
  if (!(line.size() > 16 && line[16] == ' ' && parse_hex16(line.data(), &address))) {
    sp = line.find(' ');
    if (sp == std::string_view::npos) return (*why = "no fields"), false;
    if (!parse_hex_u64(line.substr(0, sp), &address))
      return (*why = sp > 16 ? "address longer than 16 hex digits" : "address is not hex"), false;
  }
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
    report.placeholder = true;
    return false;
  }
  if (name.empty()) return (*why = "empty symbol name"), false;
  if (!module.empty()) {
    if (module.size() < 3 || module.front() != '[' || module.back() != ']')
      return (*why = "module field is not [name]"), false;
    ++report.module_lines;
    return false;
  }
  if (name.starts_with("Version_")) {
    uint64_t code = 0;
    bool digits_only = name.size() > 8;
    for (char ch : name.substr(8)) {
      digits_only = digits_only && ch >= '0' && ch <= '9';
      if (digits_only) code = code * 10 + static_cast<uint64_t>(ch - '0');
    }
    if (digits_only) report.version_code = code;
  }
  if (!is_text_type(type)) {
    if (!std::isalpha(static_cast<unsigned char>(type)) && type != '?' && type != '-')
      return (*why = "unknown symbol type"), false;
    ++report.other_symbols;
    return false;
  }
  if (address == 0) {
    ++report.zero_addresses;
    return false;
  }
  const int digits = static_cast<int>(sp);
  if (report.address_digits == 0)
    report.address_digits = digits;
  else if (digits != report.address_digits)
    return (*why = "address width differs from the file's first text symbol"), false;
  if (name.size() > UINT16_MAX) return (*why = "symbol name too long"), false;
  *out = Entry{address, 0, static_cast<uint16_t>(name.size()), kallsyms_rank(type, name),
               static_cast<uint8_t>(type)};
  *name_out = name;
  if ((name[0] == '_' || name[0] == 's') && is_marker(name))  // the map check's anchors
    p->markers.emplace_back(name, address);
  // The kernel's own ends of text (kallsyms.c's text ranges end there): what follows them up to
  // the next text symbol is rodata or data, never a function.
  if (name == "_etext" || name == "_einittext") out->type = kEndMarker;
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

// One line, in order: an entry (its name where `names_base` holds it, or copied to the end of
// *names when there is none), or a bad line counted and kept for the report.
void SymbolTable::take_line(std::string_view line, size_t number, Parsing* p) {
  if (line.empty()) return;
  ++p->report.lines;
  Entry e;
  std::string_view name;
  const char* why = nullptr;
  if (read_line(line, p, &e, &name, &why)) {
    const size_t offset =
        p->names ? p->names->size() : static_cast<size_t>(name.data() - p->names_base);
    if (offset > UINT32_MAX) {
      why = "file too large";
    } else {
      if (p->names) p->names->append(name);
      e.name_offset = static_cast<uint32_t>(offset);
      p->sorted = p->sorted && e.address >= p->previous;
      p->previous = e.address;
      p->entries.push_back(e);
      return;
    }
  }
  if (p->names && line.find('\t') != std::string_view::npos) {  // a module's, kept as it is
    module_text_.append(line);
    module_text_.push_back('\n');
  }
  if (!why) return;
  ++p->report.bad_lines;
  if (p->bad.size() < kMaxReportedBadLines) {
    std::string shown(line.substr(0, 80));
    for (char& c : shown)  // never raw bytes into the log
      if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) c = '?';
    p->bad.emplace_back(number, std::string(why) + ": " + shown);
  }
}

bool SymbolTable::finish(Parsing* p, const std::string& origin, std::string* err) {
  report_ = p->report;
  for (const auto& [number, what] : p->bad)
    report_.first_bad.push_back("line " + std::to_string(number) + ": " + what);
  markers_ = std::move(p->markers);
  report_.text_symbols = p->entries.size();
  if (p->entries.empty()) {
    *err = empty_table_error(origin);
    return false;
  }
  keep_in_order(std::move(p->entries), p->sorted);
  build_index();
  return true;
}

namespace {

constexpr uint64_t kOnes = 0x0101010101010101ULL, kHigh = 0x8080808080808080ULL;

// The bytes of `x` that are `c`: their high bits (the lowest one exact, which is all that is
// asked: where the first one is).
inline uint64_t bytes_equal(uint64_t x, char c) {
  const uint64_t v = x ^ (static_cast<uint64_t>(static_cast<unsigned char>(c)) * kOnes);
  return (v - kOnes) & ~v & kHigh;
}

// Where the first '\n', '\t', ' ' or '\r' at or after `p` is (or `end`): sixteen bytes at a
// time with SSE2 (a name is mostly within one step), else eight (SWAR).
inline const char* name_end(const char* p, const char* end) {
#if defined(__SSE2__)
  const __m128i nl = _mm_set1_epi8('\n'), tab = _mm_set1_epi8('\t'), sp = _mm_set1_epi8(' '),
                cr = _mm_set1_epi8('\r');
  while (end - p >= 16) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, nl), _mm_cmpeq_epi8(x, tab)),
                                     _mm_or_si128(_mm_cmpeq_epi8(x, sp), _mm_cmpeq_epi8(x, cr)));
    if (const int m = _mm_movemask_epi8(hit)) return p + __builtin_ctz(static_cast<unsigned>(m));
    p += 16;
  }
#endif
  while (end - p >= 8) {
    uint64_t x = 0;
    std::memcpy(&x, p, 8);
    const uint64_t m =
        bytes_equal(x, '\n') | bytes_equal(x, '\t') | bytes_equal(x, ' ') | bytes_equal(x, '\r');
    if (m) return p + (__builtin_ctzll(m) >> 3);
    p += 8;
  }
  while (p < end && *p != '\n' && *p != '\t' && *p != ' ' && *p != '\r') ++p;
  return p;
}

}  // namespace

// The common line of a map or kallsyms, read in one pass: "%016lx %c NAME\n" with a text
// symbol's type and a name of no space or tab. Anything else (another width, a module's line,
// data, damage) is left to take_line(). True when the line was taken; *next is the next line.
bool SymbolTable::take_common_line(const char* p, const char* end, Parsing* parsing,
                                   const char** next) {
  uint64_t address = 0;
  if (end - p < 20 || p[16] != ' ' || p[18] != ' ' || !is_text_type(p[17]) ||
      !parse_hex16(p, &address) || address == 0 ||
      (parsing->report.address_digits != 0 && parsing->report.address_digits != 16))
    return false;
  const char* name = p + 19;
  const char* stop = name_end(name, end);
  if (stop == name || stop == end || *stop != '\n') return false;
  const std::string_view n(name, static_cast<size_t>(stop - name));
  if (n.size() > UINT16_MAX) return false;
  parsing->report.address_digits = 16;
  ++parsing->report.lines;
  Entry e{address, static_cast<uint32_t>(name - parsing->names_base),
          static_cast<uint16_t>(n.size()), kallsyms_rank(p[17], n), static_cast<uint8_t>(p[17])};
  if ((n[0] == '_' || n[0] == 's') && is_marker(n)) parsing->markers.emplace_back(n, address);
  if (n == "_etext" || n == "_einittext") e.type = kEndMarker;
  parsing->sorted = parsing->sorted && address >= parsing->previous;
  parsing->previous = address;
  parsing->entries.push_back(e);
  *next = stop + 1;
  return true;
}

// Lines [from, to) of the mapped text (both at line starts), into *p, numbered from 1. The pages
// behind the parse are given back as it goes (they come back, from the page cache, for the few
// names printed later): the text is never resident whole.
void SymbolTable::parse_part(const char* from, const char* to, Parsing* p) {
  const char* base = buffer_.view().data();
  const char* at = from;
  const char* released = from;
  size_t number = 0;
  while (at < to) {
    ++number;
    const char* next = nullptr;
    if (!take_common_line(at, to, p, &next)) {  // line by line
      const char* nl =
          static_cast<const char*>(std::memchr(at, '\n', static_cast<size_t>(to - at)));
      next = nl ? nl + 1 : to;
      std::string_view line(at, static_cast<size_t>((nl ? nl : to) - at));
      while (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      take_line(line, number, p);
    }
    at = next;
    if (at - released >= (1 << 20)) {
      buffer_.release_pages(static_cast<size_t>(released - base), static_cast<size_t>(at - base));
      released = at;
    }
  }
  p->line_count = number;
}

bool SymbolTable::parse(const std::string& origin, std::string* err) {
  std::string_view all = buffer_.view();
  if (all.size() > UINT32_MAX) {  // names are 32-bit offsets
    *err = origin + ": file too large";
    return false;
  }
  Parsing p;
  p.names_base = all.data();
  const char* begin = all.data();
  const char* end = begin + all.size();
  // A big map is read in two halves at once, split at a line's start (the second half's line
  // numbers, reports and entries are then joined after the first's, as one pass makes them).
  const char* middle = nullptr;
  if (all.size() >= kParallelBytes && std::thread::hardware_concurrency() > 1)
    if (const void* nl = std::memchr(begin + all.size() / 2, '\n', all.size() - all.size() / 2))
      middle = static_cast<const char*>(nl) + 1;
  if (!middle || middle >= end) {
    p.entries.reserve(all.size() / 28 + 16);  // virtual only: pages are touched as entries land
    parse_part(begin, end, &p);
  } else {
    Parsing second;
    second.names_base = all.data();
    p.entries.reserve(static_cast<size_t>(end - begin) / 28 + 16);
    second.entries.reserve(static_cast<size_t>(end - middle) / 28 + 16);
    std::thread other([&] { parse_part(middle, end, &second); });
    parse_part(begin, middle, &p);
    other.join();
    if (p.report.address_digits && second.report.address_digits &&
        p.report.address_digits != second.report.address_digits) {
      // the file's first text symbol sets the width for all: the second half read again so
      second = Parsing();
      second.names_base = all.data();
      second.report.address_digits = p.report.address_digits;
      parse_part(middle, end, &second);
    }
    join_parts(&p, std::move(second));
  }
  buffer_.release_pages();  // the parse is over: names are read here and there from now on
  return finish(&p, origin, err);
}

void SymbolTable::join_parts(Parsing* a, Parsing b) {
  if (!b.entries.empty()) {
    a->sorted =
        a->sorted && b.sorted && (a->entries.empty() || b.entries.front().address >= a->previous);
    a->previous = b.previous;
    a->entries.insert(a->entries.end(), b.entries.begin(), b.entries.end());
  }
  SymbolLoadReport& r = a->report;
  const SymbolLoadReport& s = b.report;
  r.lines += s.lines;
  r.other_symbols += s.other_symbols;
  r.module_lines += s.module_lines;
  r.zero_addresses += s.zero_addresses;
  r.bad_lines += s.bad_lines;
  if (!r.address_digits) r.address_digits = s.address_digits;
  r.placeholder = r.placeholder || s.placeholder;
  if (s.version_code) r.version_code = s.version_code;
  for (auto& [number, what] : b.bad)
    if (a->bad.size() < kMaxReportedBadLines) a->bad.emplace_back(number + a->line_count, what);
  for (auto& m : b.markers) a->markers.push_back(std::move(m));
  a->line_count += b.line_count;
}

// A file that cannot be mapped (/proc/kallsyms: its size reads 0): read in chunks, only the
// names kept (and the module lines): the table holds a third of the text, and the text itself is
// never held whole.
bool SymbolTable::load_stream(int fd, const std::string& origin, std::string* err) {
  Parsing p;
  std::string names, chunk(64 * 1024, '\0'), carry;
  // Room reserved, not touched: the pages become resident as names and entries land, and
  // nothing is copied to grow (a copy would hold the old and the new block at once).
  names.reserve(16u << 20);
  p.entries.reserve(256 * 1024);
  p.names = &names;
  size_t number = 0;
  for (;;) {
    const ssize_t n = ::read(fd, chunk.data(), chunk.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      *err = origin + ": " + std::strerror(errno);
      return false;
    }
    if (n == 0) break;
    std::string_view data(chunk.data(), static_cast<size_t>(n));
    while (!data.empty()) {
      const size_t nl = data.find('\n');
      if (nl == std::string_view::npos) {
        carry.append(data);
        break;
      }
      std::string_view line = data.substr(0, nl);
      if (!carry.empty()) {
        carry.append(line);
        line = carry;
      }
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      take_line(line, ++number, &p);
      carry.clear();
      data.remove_prefix(nl + 1);
    }
  }
  if (!carry.empty()) take_line(carry, ++number, &p);
  buffer_.assign(std::move(names));
  return finish(&p, origin, err);
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
  for (const auto& [marker, address] : markers_)
    if (marker == name) return address;
  for (const auto* v : {&primary_, &aliases_})
    for (const Entry& e : *v)
      if (name_of(e) == name) return e.address;
  return std::nullopt;
}

std::string SymbolTable::module_lines() const {
  if (!module_text_.empty()) return module_text_;  // read in chunks: kept as they came
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
  if (is_marker(name)) {  // every one of them was kept as the file was read
    for (const auto& [marker, address] : markers_)
      if (marker == name) out.push_back(address);
    return out;
  }
  for (const auto* v : {&primary_, &aliases_})
    for (const Entry& e : *v)
      if (name_of(e) == name) out.push_back(e.address);
  return out;
}

}  // namespace klogd
