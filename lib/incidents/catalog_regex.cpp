#include "incidents/catalog_regex.h"

#include <re2/re2.h>

#include <map>
#include <mutex>
#include <stdexcept>

namespace klogd {
namespace {

std::shared_ptr<const re2::RE2> compile(std::string_view pattern, bool icase) {
  static std::mutex mutex;
  static std::map<std::pair<std::string, bool>, std::shared_ptr<const re2::RE2>> compiled;
  std::lock_guard lock(mutex);
  auto key = std::make_pair(std::string(pattern), icase);
  auto it = compiled.find(key);
  if (it != compiled.end()) return it->second;
  re2::RE2::Options o;
  o.set_encoding(re2::RE2::Options::EncodingLatin1);
  o.set_case_sensitive(!icase);
  o.set_log_errors(false);
  auto re = std::make_shared<const re2::RE2>(re2::StringPiece(pattern.data(), pattern.size()), o);
  if (!re->ok())
    throw std::invalid_argument("catalog pattern /" + key.first + "/: " + re->error());
  compiled.emplace(std::move(key), re);
  return re;
}

}  // namespace

Regex::Regex(std::string_view pattern, bool icase) : re_(compile(pattern, icase)) {}

bool Regex::found(std::string_view s) const {
  return re_->Match(re2::StringPiece(s.data(), s.size()), 0, s.size(), re2::RE2::UNANCHORED,
                    nullptr, 0);
}

bool Regex::find(std::string_view s, RegexMatch* m) const {
  const int n = re_->NumberOfCapturingGroups() + 1;
  re2::StringPiece sub[16];
  std::vector<re2::StringPiece> more;
  re2::StringPiece* out = sub;
  if (n > 16) {
    more.resize(static_cast<size_t>(n));
    out = more.data();
  }
  if (!re_->Match(re2::StringPiece(s.data(), s.size()), 0, s.size(), re2::RE2::UNANCHORED, out,
                  n))
    return false;
  m->position = static_cast<size_t>(out[0].data() - s.data());
  m->groups.clear();
  for (int g = 1; g < n; ++g) m->groups.emplace_back(out[g].data(), out[g].size());
  return true;
}

int Regex::replace_all(std::string* s, std::string_view rewrite) const {
  return re2::RE2::GlobalReplace(s, *re_, re2::StringPiece(rewrite.data(), rewrite.size()));
}

const std::string& Regex::pattern() const { return re_->pattern(); }

}  // namespace klogd
