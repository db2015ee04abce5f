#include "symbols/map_check.h"

#include <algorithm>
#include <cstdio>

#include "util/hex.h"
#include "util/text.h"

namespace klogd {
namespace {}  // namespace

std::string ContentCheck::summary() const {
  std::string s = std::to_string(agreed) + "/" + std::to_string(sampled) +
                  " sampled text symbols agree with kallsyms";
  if (disagreed)
    s += ", " + std::to_string(disagreed) + " disagree (first: " + first_disagreement + ")";
  return s;
}

ContentCheck check_map_against_kallsyms(const SymbolTable& map, const SymbolTable& kallsyms) {
  ContentCheck c;
  if (map.empty() || kallsyms.empty()) return c;
  auto map_text = map.address_of("_text");
  auto run_text = kallsyms.address_of("_text");
  if (!map_text || !run_text) {
    map_text = map.address_of("_stext");
    run_text = kallsyms.address_of("_stext");
  }
  if (!map_text || !run_text) {
    c.first_disagreement = "no _text or _stext in both";
    return c;
  }
  c.slide = static_cast<int64_t>(*run_text - *map_text);

  auto probe = [&](uint64_t map_address, std::string_view name) {
    ++c.sampled;
    auto hit = kallsyms.lookup(map_address + static_cast<uint64_t>(c.slide));
    if (hit && hit->offset == 0 && hit->name == name) {
      ++c.agreed;
      return;
    }
    // The name may be an alias there (both tables rank alike, but be generous to aliases).
    auto other = hit && hit->offset == 0 ? kallsyms.address_of(name) : std::nullopt;
    if (other && *other == map_address + static_cast<uint64_t>(c.slide)) {
      ++c.agreed;
      return;
    }
    ++c.disagreed;
    if (c.first_disagreement.empty()) {
      c.first_disagreement = std::string(name) + ": map " + hex16(map_address) + ", kallsyms ";
      c.first_disagreement +=
          hit ? "has " + std::string(hit->name) + "+" + std::to_string(hit->offset) : "has nothing";
      c.first_disagreement += " at " + hex16(map_address + static_cast<uint64_t>(c.slide));
    }
  };

  // The anchors by name: each must be in kallsyms at its map address + slide. (_etext ends the
  // text and resolves nothing, so it cannot be probed by address.)
  for (std::string_view anchor : {"_text", "_stext", "_etext", "start_kernel"}) {
    auto a = map.address_of(anchor);
    if (!a) continue;
    ++c.sampled;
    bool found = false;
    for (uint64_t k : kallsyms.addresses_of(anchor))
      found = found || k == *a + static_cast<uint64_t>(c.slide);
    if (found) {
      ++c.agreed;
    } else {
      ++c.disagreed;
      if (c.first_disagreement.empty())
        c.first_disagreement = std::string(anchor) + ": map " + hex16(*a) +
                               ", not in kallsyms at " + hex16(*a + static_cast<uint64_t>(c.slide));
    }
  }
  // The samples in kContentRuns runs of neighbours spread over the whole table: neighbours'
  // names lie side by side in the file, so the check reads a few pages of a map it has given
  // back (each read maps a whole fault-around window), not one per sample.
  const size_t n = map.size();
  const size_t per_run = kContentSamples / kContentRuns;
  if (n <= kContentSamples) {
    for (size_t i = 0; i + 1 < n; ++i) probe(map.address_at(i), map.name_at(i));
  } else {
    for (size_t r = 0; r < kContentRuns; ++r)
      for (size_t i = r * (n - per_run - 1) / (kContentRuns - 1), k = 0; k < per_run; ++i, ++k)
        probe(map.address_at(i), map.name_at(i));
  }
  c.ok = c.sampled >= 4 &&
         static_cast<double>(c.agreed) >= kContentAgreement * static_cast<double>(c.sampled);
  return c;
}

bool path_names_release(std::string_view path, std::string_view release) {
  if (release.empty()) return false;
  std::string suffix = "System.map-" + std::string(release);
  if (path.ends_with(suffix)) return true;
  std::string dir = "/" + std::string(release) + "/";
  return path.find(dir) != std::string_view::npos;
}

uint64_t linux_version_code(std::string_view release) {
  uint64_t part[3] = {0, 0, 0};
  size_t i = 0;
  for (int k = 0; k < 3; ++k) {
    std::optional<uint64_t> v = read_decimal(release, &i);
    if (!v) return k >= 2 ? (part[0] << 16 | part[1] << 8) : 0;
    part[k] = *v;
    if (k < 2) {
      if (i >= release.size() || release[i] != '.')
        return k == 1 ? (part[0] << 16 | part[1] << 8) : 0;
      ++i;
    }
  }
  return part[0] << 16 | part[1] << 8 | std::min<uint64_t>(part[2], 255);
}

}  // namespace klogd
