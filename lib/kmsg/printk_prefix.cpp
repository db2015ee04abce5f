#include "kmsg/printk_prefix.h"

#include "util/text.h"

namespace klogd {

std::optional<int> parse_printk_prio(std::string_view s, size_t* length) {
  if (s.size() < 3 || s[0] != '<') return std::nullopt;
  size_t i = 1;
  std::optional<uint64_t> prio = read_decimal(s, &i);
  if (!prio || i > 4 || i >= s.size() || s[i] != '>' || *prio > 191) return std::nullopt;
  *length = i + 1;
  return static_cast<int>(*prio);
}

std::optional<uint64_t> parse_printk_time(std::string_view s, size_t* length) {
  if (s.empty() || s[0] != '[') return std::nullopt;
  size_t i = 1;
  while (i < s.size() && s[i] == ' ') ++i;
  const size_t whole = i;
  std::optional<uint64_t> sec = read_decimal(s, &i);
  if (!sec || i - whole > 12 || i >= s.size() || s[i] != '.') return std::nullopt;
  const size_t frac = ++i;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
  const size_t digits = i - frac;
  if (digits == 0 || digits > 9 || i >= s.size() || s[i] != ']') return std::nullopt;
  uint64_t micro = 0;
  for (size_t d = 0; d < 6; ++d)
    micro = micro * 10 + (d < digits ? static_cast<uint64_t>(s[frac + d] - '0') : 0);
  *length = i + 1;
  return *sec * 1000000 + micro;
}

}  // namespace klogd
