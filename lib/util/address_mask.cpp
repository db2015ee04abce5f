#include "util/address_mask.h"

#include "util/hex.h"

namespace klogd {

bool mask_kernel_addresses(std::string_view text, int kernel_bits, std::string* out) {
  // A "Code:" line is instruction bytes, never an address.
  std::string_view trimmed = text.substr(std::min(text.size(), text.find_first_not_of(' ')));
  if (trimmed.starts_with("Code: ")) {
    out->append(text);
    return false;
  }
  bool masked = false;
  size_t start = 0;  // the first byte not yet appended
  const size_t n = text.size();
  size_t i = 0;
  // The panic's slide: "Kernel Offset: 0x1be00000 from ..." (the from/range values are upper
  // half and go below like any other).
  if (size_t k = text.find("Kernel Offset: 0x"); k != std::string_view::npos) {
    size_t v = k + 17, e = v;
    while (e < n && is_hex_digit(text[e])) ++e;
    if (e > v) {
      out->append(text.substr(0, k + 15));
      out->append("(hidden)");
      start = i = e;
      masked = true;
    }
  }
  while (i < n) {
    if (!is_hex_digit(text[i])) {
      ++i;
      continue;
    }
    // A run of hex digits of an address's exact width, wherever it stands: after 0x or 0X, or
    // glued to a word ("ptr=", "valffff...z"): hiding errs on the side of hiding. A longer run
    // (a fingerprint, a build id) is no address.
    size_t j = i;
    while (j < n && is_hex_digit(text[j])) ++j;
    size_t len = j - i;
    uint64_t v = 0;
    if ((len == 16 || (len == 8 && kernel_bits == 32)) && parse_hex_u64(text.substr(i, len), &v) &&
        is_kernel_space(v, len)) {
      out->append(text.substr(start, i - start));
      out->append(len == 16 ? kMasked64 : kMasked32);
      start = j;
      masked = true;
    }
    i = j;
  }
  out->append(text.substr(start));
  return masked;
}

std::string masked_kernel_addresses(std::string_view text, int kernel_bits) {
  std::string out;
  mask_kernel_addresses(text, kernel_bits, &out);
  return out;
}

}  // namespace klogd
