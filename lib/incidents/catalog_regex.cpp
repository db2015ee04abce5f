#include "incidents/catalog_regex.h"

#if KLOGD_REGEX_BOOST
#include <boost/regex.hpp>
#else
#include <re2/re2.h>
#endif

#include <map>
#include <mutex>
#include <stdexcept>

#if KLOGD_REGEX_BOOST
// Boost.Regex instead of RE2, only to measure the two against each other (-DKLOGD_REGEX=boost;
// README "Incidents: the regular expression engine").
namespace re2 {
class RE2 {
 public:
  RE2(const std::string& p, bool icase)
      : re(p, icase ? boost::regex::perl | boost::regex::icase : boost::regex::perl) {}
  boost::regex re;
};
}  // namespace re2
#endif

namespace klogd {

struct Regex::Shared {
  std::string pattern;
  bool icase = false;
  std::once_flag once;
  std::unique_ptr<const re2::RE2> re;
};

namespace {

std::shared_ptr<Regex::Shared> shared(std::string_view pattern, bool icase) {
  static std::mutex mutex;
  static std::map<std::pair<std::string, bool>, std::shared_ptr<Regex::Shared>> known;
  std::lock_guard lock(mutex);
  auto key = std::make_pair(std::string(pattern), icase);
  auto it = known.find(key);
  if (it != known.end()) return it->second;
  auto s = std::make_shared<Regex::Shared>();
  s->pattern = key.first;
  s->icase = icase;
  known.emplace(std::move(key), s);
  return s;
}

}  // namespace

Regex::Regex(std::string_view pattern, bool icase) : re_(shared(pattern, icase)) {}

#if KLOGD_REGEX_BOOST
const re2::RE2& Regex::re() const {
  std::call_once(re_->once, [this] {
    try {
      re_->re = std::make_unique<const re2::RE2>(re_->pattern, re_->icase);
    } catch (const std::exception& e) {
      throw std::invalid_argument("catalog pattern /" + re_->pattern + "/: " + e.what());
    }
  });
  return *re_->re;
}

void Regex::compile() const { re(); }

bool Regex::found(std::string_view s) const {
  return boost::regex_search(s.begin(), s.end(), re().re);
}

bool Regex::find(std::string_view s, RegexMatch* m) const {
  boost::match_results<std::string_view::const_iterator> r;
  if (!boost::regex_search(s.begin(), s.end(), r, re().re)) return false;
  m->position = static_cast<size_t>(r.position(size_t{0}));
  m->groups.clear();
  for (size_t g = 1; g < r.size(); ++g)
    m->groups.push_back(r[g].matched
                            ? std::string_view(&*r[g].first, static_cast<size_t>(r[g].length()))
                            : std::string_view());
  return true;
}

int Regex::replace_all(std::string* s, std::string_view rewrite) const {
  std::string fmt(rewrite);
  for (size_t i = 0; i + 1 < fmt.size(); ++i)
    if (fmt[i] == '\\' && fmt[i + 1] >= '0' && fmt[i + 1] <= '9') fmt[i] = '$';
  std::string out = boost::regex_replace(*s, re().re, fmt);
  const int changed = out != *s;
  *s = std::move(out);
  return changed;
}
#else
const re2::RE2& Regex::re() const {
  std::call_once(re_->once, [this] {
    re2::RE2::Options o;
    o.set_encoding(re2::RE2::Options::EncodingLatin1);
    o.set_case_sensitive(!re_->icase);
    o.set_log_errors(false);
    auto re = std::make_unique<const re2::RE2>(re_->pattern, o);
    if (!re->ok())
      throw std::invalid_argument("catalog pattern /" + re_->pattern + "/: " + re->error());
    re_->re = std::move(re);
  });
  return *re_->re;
}

void Regex::compile() const { re(); }

bool Regex::found(std::string_view s) const {
  return re().Match(re2::StringPiece(s.data(), s.size()), 0, s.size(), re2::RE2::UNANCHORED,
                    nullptr, 0);
}

bool Regex::find(std::string_view s, RegexMatch* m) const {
  const re2::RE2& r = re();
  const int n = r.NumberOfCapturingGroups() + 1;
  re2::StringPiece sub[16];
  std::vector<re2::StringPiece> more;
  re2::StringPiece* out = sub;
  if (n > 16) {
    more.resize(static_cast<size_t>(n));
    out = more.data();
  }
  if (!r.Match(re2::StringPiece(s.data(), s.size()), 0, s.size(), re2::RE2::UNANCHORED, out, n))
    return false;
  m->position = static_cast<size_t>(out[0].data() - s.data());
  m->groups.clear();
  for (int g = 1; g < n; ++g) m->groups.emplace_back(out[g].data(), out[g].size());
  return true;
}

int Regex::replace_all(std::string* s, std::string_view rewrite) const {
  return re2::RE2::GlobalReplace(s, re(), re2::StringPiece(rewrite.data(), rewrite.size()));
}

#endif

const std::string& Regex::pattern() const { return re_->pattern; }

}  // namespace klogd
