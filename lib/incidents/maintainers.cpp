#include "incidents/maintainers.h"

#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>
#include <mutex>
#include <set>
#include <unordered_map>

#include "util/file_buffer.h"
#include "util/gzip_file.h"

namespace klogd {
namespace {

constexpr size_t kMaxBytes = size_t{64} << 20;
constexpr std::string_view kChiefPenguin = "Linus Torvalds <torvalds@linux-foundation.org>";
constexpr std::string_view kLkml = "linux-kernel@vger.kernel.org";

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

bool is_regex_char(char c) {
  return std::string_view("*?[](){}+|^$\\").find(c) != std::string_view::npos;
}

// The ']' that closes the [class] opening at p[open]: a ']' first (after any '^') is a member,
// as in Perl; npos when none closes it.
size_t class_end(std::string_view p, size_t open) {
  size_t i = open + 1;
  if (i < p.size() && p[i] == '^') ++i;
  if (i < p.size() && p[i] == ']') ++i;
  return p.find(']', i);
}

// Whether `p` holds only what glob_prefix() reads: '*', '?' and [classes]; anything else of a
// regular expression's goes to RE2.
bool simple_glob(std::string_view p) {
  for (size_t i = 0; i < p.size(); ++i) {
    if (p[i] == '[') {
      i = class_end(p, i);
      if (i == std::string_view::npos) return false;
    } else if (p[i] != '*' && p[i] != '?' && is_regex_char(p[i])) {
      return false;
    }
  }
  return true;
}

// Whether c is in the [class] opening at p[open] (simple_glob() saw it closed); *end is past it.
bool in_class(std::string_view p, size_t open, char c, size_t* end) {
  const size_t close = class_end(p, open);
  *end = close + 1;
  size_t i = open + 1;
  const bool negate = p[i] == '^';
  if (negate) ++i;
  bool found = false;
  while (i < close) {
    if (i + 2 < close && p[i + 1] == '-') {
      found = found || (c >= p[i] && c <= p[i + 2]);
      i += 3;
    } else {
      found = found || c == p[i];
      ++i;
    }
  }
  return found != negate;
}

// get_maintainer.pl's m@^PATTERN@ with '*' as ".*" and '?' as ".": whether some start of `s`
// matches the pattern (the end is not anchored). Backtracks over the last '*' only: linear for
// MAINTAINERS' patterns.
bool glob_prefix(std::string_view p, std::string_view s) {
  size_t pi = 0, si = 0, star = std::string_view::npos, star_s = 0;
  while (true) {
    if (pi == p.size()) return true;
    if (p[pi] == '*') {
      star = ++pi;
      star_s = si;
      continue;
    }
    if (si < s.size()) {
      size_t next = pi + 1;
      bool ok = false;
      if (p[pi] == '?')
        ok = true;
      else if (p[pi] == '[')
        ok = in_class(p, pi, s[si], &next);
      else
        ok = p[pi] == s[si];
      if (ok) {
        pi = next;
        ++si;
        continue;
      }
    }
    if (star == std::string_view::npos || star_s >= s.size()) return false;
    pi = star;
    si = ++star_s;
  }
}

size_t slashes(std::string_view s) {
  return static_cast<size_t>(std::count(s.begin(), s.end(), '/'));
}

// An "X: value" line: one capital letter, a colon (get_maintainer.pl's /^([A-Z]):\s*(.*)/).
bool typed(std::string_view line, char* type, std::string_view* value) {
  if (line.size() < 2 || line[0] < 'A' || line[0] > 'Z' || line[1] != ':') return false;
  *type = line[0];
  *value = trim(line.substr(2));
  return true;
}

// get_maintainer.pl's parse_email: "Name <a@b>", "<a@b>", "a@b (Name)".
void parse_email(std::string_view v, std::string* name, std::string* address) {
  name->clear();
  address->clear();
  const size_t lt = v.find('<');
  const size_t gt = v.rfind('>');
  if (lt != std::string_view::npos && gt != std::string_view::npos && gt > lt &&
      v.substr(lt, gt - lt).find('@') != std::string_view::npos) {
    *name = std::string(trim(v.substr(0, lt)));
    *address = std::string(trim(v.substr(lt + 1, gt - lt - 1)));
  } else if (const size_t at = v.rfind('@'); at != std::string_view::npos) {
    size_t end = v.find_first_of(" \t", at);
    if (end == std::string_view::npos) end = v.size();
    *address = std::string(trim(v.substr(0, end)));
  }
  if (name->size() >= 2 && name->front() == '"' && name->back() == '"')
    *name = name->substr(1, name->size() - 2);
}

}  // namespace

struct Maintainers::Data {
  struct Pattern {
    uint32_t section = 0;
    std::string raw;     // as MAINTAINERS writes it
    std::string prefix;  // its literal start, before any wildcard
    bool wild = false;
    bool glob = false;  // only '*', '?' and [classes]: matched without a regular expression
    bool dir = false;   // ends in '/'
    size_t slashes = 0;
    int depth = 0;  // get_maintainer.pl's $value_pd, by which sections are ranked
    mutable std::unique_ptr<re2::RE2> re;
    mutable bool broken = false;
  };
  struct Entry {
    char type;
    std::string value;
  };
  struct Section {
    std::string title;
    std::string role;  // from S:, as get_maintainer_role() names it
    std::vector<Entry> entries;
    std::vector<uint32_t> order;  // its F: and N: patterns, in file order (index; N: marked)
    std::vector<uint32_t> excludes;
  };
  std::vector<Section> sections;
  std::vector<Pattern> patterns;  // F: and X:
  // N: all in one RE2::Set, which tells in one pass which of them match a path
  std::vector<uint32_t> expression_section;
  std::unique_ptr<re2::RE2::Set> expressions;
  std::unordered_map<std::string, std::vector<uint32_t>> by_component;  // F: by first component
  std::vector<uint32_t> general;  // F: patterns whose literal part has no '/'
  size_t unusable = 0;
  mutable std::mutex compile;

  static constexpr uint32_t kExpression = 0x80000000u;

  bool matches(const Pattern& p, std::string_view file) const {
    if (file.size() < p.prefix.size() || file.compare(0, p.prefix.size(), p.prefix) != 0)
      return false;
    if (!p.dir && slashes(file) != p.slashes) return false;
    if (!p.wild) return true;
    if (p.glob)
      return glob_prefix(std::string_view(p.raw).substr(p.prefix.size()),
                         file.substr(p.prefix.size()));
    std::lock_guard<std::mutex> l(compile);
    if (p.broken) return false;
    if (!p.re) {
      // get_maintainer.pl: '.' literal, '*' any run, '?' one character, anchored at the start.
      std::string rx = "^";
      for (char c : p.raw) {
        if (c == '.')
          rx += "\\.";
        else if (c == '*')
          rx += ".*";
        else if (c == '?')
          rx += '.';
        else
          rx += c;
      }
      RE2::Options o;
      o.set_encoding(RE2::Options::EncodingLatin1);
      o.set_log_errors(false);
      p.re = std::make_unique<re2::RE2>(rx, o);
      if (!p.re->ok()) {
        p.broken = true;
        return false;
      }
    }
    return RE2::PartialMatch(re2::StringPiece(file.data(), file.size()), *p.re);
  }
};

Maintainers::Maintainers(std::unique_ptr<Data> d) : d_(std::move(d)) {}
Maintainers::~Maintainers() = default;
Maintainers::Maintainers(Maintainers&&) noexcept = default;
Maintainers& Maintainers::operator=(Maintainers&&) noexcept = default;
size_t Maintainers::sections() const { return d_->sections.size(); }
size_t Maintainers::unusable_patterns() const { return d_->unusable; }

std::optional<Maintainers> Maintainers::load(const std::string& path, std::string* err) {
  FileBuffer f;
  if (!f.load(path, err, kMaxBytes)) return std::nullopt;
  const std::string_view bytes = f.view();
  if (bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f &&
      static_cast<unsigned char>(bytes[1]) == 0x8b) {
    std::string text;
    if (!read_gzip_file(path, &text, err, kMaxBytes)) return std::nullopt;
    return parse(text, path, err);
  }
  return parse(bytes, path, err);
}

std::optional<Maintainers> Maintainers::parse(std::string_view text, std::string_view name,
                                              std::string* err) {
  auto d = std::make_unique<Data>();
  if (text.find('\0') != std::string_view::npos) {
    *err = std::string(name) + ": not a MAINTAINERS file (binary data)";
    return std::nullopt;
  }
  // get_maintainer.pl's reading: blank and '#' lines dropped; a section is an untyped line (its
  // title) and the typed lines right after it.
  std::string_view title;
  bool in_section = false;
  size_t with_files = 0;
  Data::Section* s = nullptr;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const std::string_view bare = trim(line);
    if (bare.empty() || bare.front() == '#') continue;
    char type = 0;
    std::string_view value;
    if (!typed(line, &type, &value)) {
      title = line;
      in_section = false;
      continue;
    }
    if (!in_section) {
      d->sections.push_back({});
      s = &d->sections.back();
      s->title = std::string(title);
      s->role = "unknown";
      in_section = true;
    }
    const auto section = static_cast<uint32_t>(d->sections.size() - 1);
    switch (type) {
      case 'F':
      case 'X': {
        if (value.empty()) break;
        Data::Pattern p;
        p.section = section;
        p.raw = std::string(value);
        size_t lit = 0;
        while (lit < value.size() && !is_regex_char(value[lit])) ++lit;
        p.prefix = std::string(value.substr(0, lit));
        p.wild = lit < value.size();
        p.glob = p.wild && simple_glob(value);
        p.dir = value.back() == '/';
        p.slashes = slashes(value);
        p.depth = static_cast<int>(p.slashes) + (p.dir ? 0 : 1);
        if (value.front() == '*') p.depth = -1;  // get_maintainer.pl: a pattern starting ".*"
        const auto index = static_cast<uint32_t>(d->patterns.size());
        if (type == 'X') {
          s->excludes.push_back(index);
        } else {
          s->order.push_back(index);
          const size_t slash = p.prefix.find('/');
          if (slash == std::string::npos)
            d->general.push_back(index);
          else
            d->by_component[p.prefix.substr(0, slash)].push_back(index);
          if (s->order.size() == 1) ++with_files;
        }
        d->patterns.push_back(std::move(p));
        break;
      }
      case 'N': {
        std::string rx;  // Perl's m/.../x: whitespace is not part of the pattern
        for (char c : value)
          if (c != ' ' && c != '\t') rx += c;
        if (!d->expressions) {
          RE2::Options o;
          o.set_encoding(RE2::Options::EncodingLatin1);
          o.set_log_errors(false);
          d->expressions = std::make_unique<re2::RE2::Set>(o, RE2::UNANCHORED);
        }
        std::string why;
        const int index = d->expressions->Add(rx, &why);
        if (index < 0) {
          ++d->unusable;
          break;
        }
        s->order.push_back(Data::kExpression | static_cast<uint32_t>(index));
        d->expression_section.push_back(section);
        break;
      }
      case 'S': {
        const std::string st = lower(value);
        if (st == "supported")
          s->role = "supporter";
        else if (st == "maintained")
          s->role = "maintainer";
        else if (st == "odd fixes")
          s->role = "odd fixer";
        else if (st == "orphan")
          s->role = "orphan minder";
        else if (st == "obsolete")
          s->role = "obsolete minder";
        else if (st == "buried alive in reporters")
          s->role = "chief penguin";
        else
          s->role = st;
        break;
      }
      case 'M':
      case 'R':
      case 'L':
        s->entries.push_back({type, std::string(value)});
        break;
      default:
        break;
    }
  }
  if (d->expressions && !d->expressions->Compile()) d->expressions.reset();
  if (d->expressions) {  // the set's automaton built now, not on the first lookup
    std::vector<int> none;
    d->expressions->Match("drivers/net/ethernet/intel/e1000e/netdev.c", &none);
  }
  if (!with_files) {
    *err = std::string(name) + ": not a MAINTAINERS file (no section with an F: pattern)";
    return std::nullopt;
  }
  return Maintainers(std::move(d));
}

Recipients Maintainers::lookup(std::string_view file) const {
  Recipients out;
  if (file.empty()) return out;
  const Data& d = *d_;
  // The sections that may match: an F: whose literal start the file begins with, or an N:.
  std::vector<uint32_t> candidates;
  auto consider = [&](const std::vector<uint32_t>& list) {
    for (uint32_t i : list) {
      const std::string& pre = d.patterns[i].prefix;
      if (file.size() >= pre.size() && file.compare(0, pre.size(), pre) == 0)
        candidates.push_back(d.patterns[i].section);
    }
  };
  if (const size_t slash = file.find('/'); slash != std::string_view::npos) {
    auto it = d.by_component.find(std::string(file.substr(0, slash)));
    if (it != d.by_component.end()) consider(it->second);
  }
  consider(d.general);
  std::vector<int> named;  // the N: that match, by index
  if (d.expressions) {
    d.expressions->Match(re2::StringPiece(file.data(), file.size()), &named);
    std::sort(named.begin(), named.end());
    for (int k : named) candidates.push_back(d.expression_section[static_cast<size_t>(k)]);
  }
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());

  // get_maintainer.pl's get_maintainers(): X: first, then each F: and N: in order; the last
  // match sets the section's rank.
  std::vector<std::pair<int, uint32_t>> matched;
  for (uint32_t si : candidates) {
    const Data::Section& s = d.sections[si];
    bool excluded = false;
    for (uint32_t x : s.excludes)
      if (d.matches(d.patterns[x], file)) {
        excluded = true;
        break;
      }
    if (excluded) continue;
    std::optional<int> rank;
    for (uint32_t k : s.order) {
      if (k & Data::kExpression) {
        if (std::binary_search(named.begin(), named.end(),
                               static_cast<int>(k & ~Data::kExpression)))
          rank = 0;
      } else if (d.matches(d.patterns[k], file)) {
        rank = d.patterns[k].depth;
      }
    }
    if (rank) matched.emplace_back(*rank, si);
  }
  std::stable_sort(matched.begin(), matched.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });

  // add_categories() and push_email_address(): each person once, by name or address.
  std::set<std::string> names, addresses, lists;
  bool other_list = false;
  std::vector<std::string> lkml;
  for (const auto& [rank, si] : matched) {
    const Data::Section& s = d.sections[si];
    out.subsystems.push_back(s.title);
    for (const Data::Entry& e : s.entries) {
      if (e.type == 'L') {
        std::string_view v = e.value;
        const size_t sp = v.find_first_of(" \t");
        const std::string_view address = v.substr(0, sp);
        const std::string_view more = sp == std::string_view::npos ? "" : v.substr(sp);
        if (more.find("subscribers-only") != std::string_view::npos) continue;
        if (!lists.insert(lower(address)).second) continue;
        if (lower(address) == kLkml) {
          lkml.emplace_back(address);
        } else {
          other_list = true;
          out.to.emplace_back(address);
        }
        continue;
      }
      std::string name, address;
      parse_email(e.value, &name, &address);
      if (address.empty()) continue;
      if ((!name.empty() && names.count(lower(name))) || addresses.count(lower(address))) continue;
      if (!name.empty()) names.insert(lower(name));
      addresses.insert(lower(address));
      std::string formatted = name.empty() ? address : name + " <" + address + ">";
      if (formatted == kChiefPenguin) continue;
      const bool to = e.type == 'M' && (s.role == "maintainer" || s.role == "supporter");
      (to ? out.to : out.cc).push_back(std::move(formatted));
    }
  }
  for (std::string& l : lkml) (other_list ? out.cc : out.to).push_back(std::move(l));
  return out;
}

}  // namespace klogd
