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

// A sanitizer's banner: "=====..." after the indent.
bool starts_banner(std::string_view s) {
  size_t b = 0;
  while (b < s.size() && s[b] == ' ') ++b;
  return s.size() - b >= 8 && std::memcmp(s.data() + b, "========", 8) == 0;
}

// Calls fn(position) for each ':' of the line, until it returns true.
template <typename Fn>
bool for_each_colon(std::string_view s, Fn fn) {
  size_t i = 0;
#if defined(__SSE2__)
  const __m128i colon = _mm_set1_epi8(':');
  auto block = [&](size_t at, unsigned skip) {  // the 16 bytes at `at`, but the first `skip`
    const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + at));
    unsigned m = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(b, colon)));
    for (m &= ~0u << skip; m; m &= m - 1)
      if (fn(at + static_cast<size_t>(__builtin_ctz(m)))) return true;
    return false;
  };
  for (; i + 16 <= s.size(); i += 16)
    if (block(i, 0)) return true;
  // the last few bytes: the 16 that end the line, those already read masked out
  if (i > 0 && i < s.size())
    return block(s.size() - 16, static_cast<unsigned>(16 - (s.size() - i)));
  if (i > 0) return false;
#endif
  for (; i < s.size(); ++i)  // the last few bytes: a loop, not a call to memchr
    if (s[i] == ':' && fn(i)) return true;
  return false;
}

}  // namespace

HeaderFilter::HeaderFilter(const std::vector<ReportKind>& kinds) : kinds_(kinds) {
  for (size_t i = 0; i < kinds.size(); ++i) add(kinds[i].header, i);
  add(kCutHereText, kCutHere);
  // the anchors by bucket, each bucket's from bucket_[b] to bucket_[b + 1]
  auto bucket = [](const Anchor& a) { return hash(a.quad) % kBuckets; };
  std::stable_sort(anchors_.begin(), anchors_.end(),
                   [&](const Anchor& a, const Anchor& b) { return bucket(a) < bucket(b); });
  size_t a = 0;
  for (size_t b = 0; b <= kBuckets; ++b) {
    while (a < anchors_.size() && bucket(anchors_[a]) < b) ++a;
    bucket_[b] = static_cast<uint16_t>(a);
  }
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
    before_colon_[static_cast<unsigned char>(text[text.size() - 2])] = true;
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
    anchors_.push_back({q, quad(text.data() + text.size() - 4), what, o, text});
  }
}

// Calls found(what) for each header or marker that holds the quad at i as one of its anchors,
// until it returns true.
template <typename Found>
bool HeaderFilter::anchored_at(std::string_view s, size_t i, Found found) const {
  const uint32_t q = quad(s.data() + i);
  const size_t b = hash(q) % kBuckets;
  for (size_t k = bucket_[b]; k < bucket_[b + 1]; ++k) {
    const Anchor& a = anchors_[k];
    // the quad, then the text's last 4 bytes, then the whole text (an ordinary word that is
    // an anchor, "able" or "gist", is seldom followed by the rest of its header)
    if (a.quad != q || a.offset > i || s.size() - (i - a.offset) < a.text.size()) continue;
    const char* start = s.data() + i - a.offset;
    if (quad(start + a.text.size() - 4) == a.tail &&
        std::memcmp(start, a.text.data(), a.text.size()) == 0 && found(a.what))
      return true;
  }
  return false;
}

// Calls found(what) for each short header that ends with the ':' at c, until it returns true.
template <typename Found>
bool HeaderFilter::colon_at(std::string_view s, size_t c, Found found) const {
  const uint32_t q = quad(s.data() + c - 3);  // the 4 bytes that end with this ':'
  for (size_t k = 0; k < colon_.size(); ++k) {
    if (colon_quads_[k] != q) continue;
    std::string_view t = text_of(colon_[k]);
    if (c + 1 >= t.size() && s.substr(c + 1 - t.size(), t.size()) == t && found(colon_[k]))
      return true;
  }
  return false;
}

// Calls found(what) for each header or marker the line holds, until it returns true.
template <typename Found>
bool HeaderFilter::scan(std::string_view s, Found found) const {
  if (starts_banner(s) && found(kBanner)) return true;
  for (size_t i = 0; i + 4 <= s.size(); i += kStride)
    if (probe(s.data() + i) && anchored_at(s, i, found)) return true;
  if (colon_.empty()) return false;
  return for_each_colon(s, [&](size_t c) { return colon_may_end(s, c) && colon_at(s, c, found); });
}

bool HeaderFilter::maybe(std::string_view s) const {
  // scan() for a yes or no, shaped for the lines that hold nothing: two quads probed for one
  // branch, the rare hits checked out of line.
  auto yes = [](size_t) { return true; };
  if (s.size() >= 8 && (s[0] == ' ' || s[0] == '=') && starts_banner(s)) return true;
  const char* p = s.data();
  const size_t n = s.size();
  size_t i = 0;
  for (; i + kStride + 4 <= n; i += 2 * kStride) {
    if ((probe(p + i) | probe(p + i + kStride)) &&
        (anchored_at(s, i, yes) || anchored_at(s, i + kStride, yes)))
      return true;
  }
  if (i + 4 <= n && probe(p + i) && anchored_at(s, i, yes)) return true;
  return !colon_.empty() &&
         for_each_colon(s, [&](size_t c) { return colon_may_end(s, c) && colon_at(s, c, yes); });
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
