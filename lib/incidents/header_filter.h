#pragma once
/// Finds the report headers ("BUG:", "WARNING:", "Kernel panic", ...) and the marker lines
/// ("[ cut here ]", a sanitizer's "=====" banner) a line holds without a regular expression and
/// without reading most of its bytes: nearly every line holds none, and this runs on each.
///
/// A header of kStride + 3 bytes or more holds, wherever it stands, the 4 bytes at some position
/// of the line that is a multiple of kStride: only those positions are probed, in a bitmap keyed
/// by a hash of 4 bytes that knows every 4 bytes at offsets 0..kStride-1 of every such header; a
/// hit is compared in full. The shorter headers ("BUG:", "INFO:") all end with ':', found 16
/// bytes at a time (SSE2); the 4 bytes before each ':' are compared with theirs. A banner is a
/// line that starts with "========" after its indent.

#include <array>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "incidents/report_catalog.h"

namespace klogd {

class HeaderFilter {
 public:
  static constexpr size_t kStride = 7;
  static constexpr size_t kCutHere = SIZE_MAX, kBanner = SIZE_MAX - 1;

  /// Throws std::logic_error for a header shorter than kStride + 3 that does not end with ':'
  /// (the catalog has none: a new one needs another way here).
  explicit HeaderFilter(const std::vector<ReportKind>& kinds);

  /// Whether the line may hold a header or a marker (false: it surely does not).
  bool maybe(std::string_view s) const;
  /// The first kind (in catalog order) whose header the line holds and that is not
  /// suppressed, or null.
  const ReportKind* first(std::string_view s) const;
  /// Every kind whose header the line holds, kind i as bit i (the first 64), suppressions not
  /// applied: for a filter of other texts than report headers (the detector's markers).
  uint64_t all(std::string_view s) const;

 private:
  struct Anchor {
    uint32_t quad;
    uint32_t tail;  ///< the text's last 4 bytes
    size_t what;    ///< a kind's index, or kCutHere
    size_t offset;  ///< of the quad in the text
    std::string_view text;
  };
  static constexpr size_t kBuckets = 256;
  std::string_view text_of(size_t what) const;
  void add(std::string_view text, size_t what);
  template <typename Found>
  bool scan(std::string_view s, Found found) const;
  template <typename Found>
  bool anchored_at(std::string_view s, size_t i, Found found) const;
  template <typename Found>
  bool colon_at(std::string_view s, size_t c, Found found) const;
  static constexpr unsigned kHashBits = 13;
  static uint32_t hash(uint32_t q) { return (q * 0x9E3779B1u) >> (32 - kHashBits); }
  /// Whether the quad at p may be an anchor's (its hash's bit is set).
  uint64_t probe(const char* p) const {  // 0 or 1: two are or-ed for one branch
    uint32_t q;
    std::memcpy(&q, p, 4);
    const uint32_t h = hash(q);
    return bits_[h >> 6] >> (h & 63) & 1;
  }
  /// Whether the byte before the ':' at c is one that stands before a short header's ':'.
  bool colon_may_end(std::string_view s, size_t c) const {
    return c >= 3 && before_colon_[static_cast<unsigned char>(s[c - 1])];
  }

  const std::vector<ReportKind>& kinds_;
  std::array<uint64_t, (size_t{1} << kHashBits) / 64> bits_{};  ///< the anchors' quads' hashes
  std::vector<Anchor> anchors_;                  ///< by bucket (the quad's hash % kBuckets)
  std::array<uint16_t, kBuckets + 1> bucket_{};  ///< where each bucket's anchors start
  std::vector<size_t> colon_;                    ///< the short headers, all ending with ':'
  std::vector<uint32_t> colon_quads_;            ///< the last 4 bytes of each of colon_
  std::array<bool, 256> before_colon_{};         ///< the bytes that stand before their ':'
};

}  // namespace klogd
