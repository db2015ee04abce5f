#include "incidents/header_filter.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace klogd {
namespace {

constexpr std::string_view kCutHereText = "[ cut here ]";

uint32_t quad(const char* p) {
  uint32_t q;
  std::memcpy(&q, p, 4);
  return q;
}

uint32_t hash(uint32_t q) { return (q * 0x9E3779B1u) >> 16; }  // 16 bits

// A sanitizer's banner: "=====..." after the indent.
bool starts_banner(std::string_view s) {
  size_t b = s.find_first_not_of(' ');
  return b != std::string_view::npos && s.substr(b, 8) == "========";
}

// Calls fn(position) for each ':' of the line, until it returns true.
template <typename Fn>
bool for_each_colon(std::string_view s, Fn fn) {
  size_t i = 0;
#if defined(__SSE2__)
  const __m128i colon = _mm_set1_epi8(':');
  for (; i + 16 <= s.size(); i += 16) {
    const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
    for (unsigned m = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(b, colon))); m;
         m &= m - 1)
      if (fn(i + static_cast<size_t>(__builtin_ctz(m)))) return true;
  }
#endif
  for (; i < s.size(); ++i)  // the last few bytes: a loop, not a call to memchr
    if (s[i] == ':' && fn(i)) return true;
  return false;
}

}  // namespace

HeaderFilter::HeaderFilter(const std::vector<ReportKind>& kinds) : kinds_(kinds) {
  for (size_t i = 0; i < kinds.size(); ++i) add(kinds[i].header, i);
  add(kCutHereText, kCutHere);
}

std::string_view HeaderFilter::text_of(size_t what) const {
  return what == kCutHere ? kCutHereText : std::string_view(kinds_[what].header);
}

void HeaderFilter::add(std::string_view text, size_t what) {
  if (text.size() < kStride + 3) {
    if (text.size() < 4 || text.back() != ':')
      throw std::logic_error("a short report header must end with ':': " + std::string(text));
    colon_.push_back(what);
    colon_quads_.push_back(quad(text.data() + text.size() - 4));
    const auto before = static_cast<unsigned char>(text[text.size() - 2]);
    before_colon_[before >> 6] |= uint64_t{1} << (before & 63);
    return;
  }
  // Any kStride + 3 bytes of the header will do: those whose quads are least like running text
  // (a quad with a space or of lowercase letters only is common, " to " or "tion").
  auto common = [&](size_t at) {
    std::string_view q = text.substr(at, 4);
    return q.find(' ') != std::string_view::npos ||
           q.find_first_not_of("abcdefghijklmnopqrstuvwxyz") == std::string_view::npos;
  };
  size_t window = 0, best = SIZE_MAX;
  for (size_t w = 0; w + kStride + 3 <= text.size(); ++w) {
    size_t score = 0;
    for (size_t o = 0; o < kStride; ++o) score += common(w + o);
    if (score < best) {
      best = score;
      window = w;
    }
  }
  for (size_t o = window; o < window + kStride; ++o) {
    const uint32_t q = quad(text.data() + o);
    const uint32_t h = hash(q);
    bits_[h >> 6] |= uint64_t{1} << (h & 63);
    anchors_.push_back({q, what, o});
  }
  std::sort(anchors_.begin(), anchors_.end(),
            [](const Anchor& a, const Anchor& b) { return a.quad < b.quad; });
}

// Calls found(what) for each header or marker the line holds, until it returns true.
template <typename Found>
bool HeaderFilter::scan(std::string_view s, Found found) const {
  if (starts_banner(s) && found(kBanner)) return true;
  for (size_t i = 0; i + 4 <= s.size(); i += kStride) {
    const uint32_t q = quad(s.data() + i);
    const uint32_t h = hash(q);
    if (!(bits_[h >> 6] >> (h & 63) & 1)) continue;
    auto a = std::lower_bound(anchors_.begin(), anchors_.end(), q,
                              [](const Anchor& x, uint32_t v) { return x.quad < v; });
    for (; a != anchors_.end() && a->quad == q; ++a) {
      if (a->offset > i) continue;
      if (s.substr(i - a->offset).starts_with(text_of(a->what)) && found(a->what)) return true;
    }
  }
  if (colon_.empty()) return false;
  return for_each_colon(s, [&](size_t c) {
    const auto before = static_cast<unsigned char>(s[c - (c > 0)]);
    if (c < 3 || !(before_colon_[before >> 6] >> (before & 63) & 1)) return false;
    const uint32_t q = quad(s.data() + c - 3);  // the 4 bytes that end with this ':'
    for (size_t k = 0; k < colon_.size(); ++k) {
      if (colon_quads_[k] != q) continue;
      std::string_view t = text_of(colon_[k]);
      if (c + 1 >= t.size() && s.substr(c + 1 - t.size(), t.size()) == t && found(colon_[k]))
        return true;
    }
    return false;
  });
}

bool HeaderFilter::maybe(std::string_view s) const {
  return scan(s, [](size_t) { return true; });
}

const ReportKind* HeaderFilter::first(std::string_view s) const {
  size_t best = kinds_.size();
  scan(s, [&](size_t k) {
    if (k >= kinds_.size() || k >= best) return false;  // a marker is no kind
    const Regex& suppressed = kinds_[k].suppressed;
    if (suppressed.empty() || !suppressed.found(s)) best = k;
    return false;
  });
  return best < kinds_.size() ? &kinds_[best] : nullptr;
}

uint64_t HeaderFilter::all(std::string_view s) const {
  uint64_t bits = 0;
  scan(s, [&](size_t k) {
    if (k < kinds_.size() && k < 64) bits |= uint64_t{1} << k;
    return false;
  });
  return bits;
}

}  // namespace klogd
