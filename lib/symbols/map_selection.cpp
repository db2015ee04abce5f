#include "symbols/map_selection.h"

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "symbols/kaslr.h"
#include "util/address_mask.h"
#include "util/hex.h"
#include "util/kernel_access.h"

namespace klogd {
namespace {

bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

// One candidate map, loaded and judged: its verdict for the report, and how far it is trusted.
struct Judged {
  CandidateVerdict verdict;
  MapTrust trust = MapTrust::kNone;
  std::shared_ptr<const SymbolTable> table;
  std::string check;             // kContent: the content check's summary
  std::optional<int64_t> slide;  // kContent: its slide
  bool content_failed = false;   // refused by the content check
};

// "N text symbols[, M bad lines skipped (...)]"
std::string counts_of(const SymbolTable& t) {
  std::string counts = std::to_string(t.report().text_symbols) + " text symbols";
  if (t.report().bad_lines) {
    counts += ", " + std::to_string(t.report().bad_lines) + " bad lines skipped (";
    const auto& first = t.report().first_bad;
    for (size_t i = 0; i < first.size(); ++i) counts += (i ? "; " : "") + first[i];
    counts += t.report().bad_lines > first.size() ? "; ...)" : ")";
  }
  return counts;
}

// Strongest first: the content check against real kallsyms; else the release in the file's
// name, a Version_ symbol that matches, or nothing to check it by (unverified).
Judged judge_candidate(const std::string& path, const MapSearchOptions& o,
                       const SymbolTable* kallsyms) {
  Judged j;
  CandidateVerdict& v = j.verdict;
  v.path = path;
  v.exists = exists(path);
  if (!v.exists) {
    v.verdict = "not found";
    return j;
  }
  auto table = std::make_shared<SymbolTable>();
  std::string lerr;
  if (!table->load_file(path, &lerr)) {
    v.verdict = "refused: " + lerr;
    return j;
  }
  const std::string counts = counts_of(*table);
  j.table = table;
  if (kallsyms) {
    ContentCheck c = check_map_against_kallsyms(*table, *kallsyms);
    if (!c.ok) {
      j.content_failed = true;
      v.verdict = "refused: does not match the running kernel: " + c.summary();
      return j;
    }
    v.verdict = "taken: " + c.summary() + ", slide " + describe_slide(c.slide, o.hide_slide) +
                " (" + counts + ")";
    j.trust = MapTrust::kContent;
    j.check = "content: " + c.summary();
    j.slide = c.slide;
    return j;
  }
  if (path_names_release(path, o.release)) {
    v.verdict = "usable: name carries release " + o.release + " (" + counts + ")";
    j.trust = MapTrust::kReleaseName;
  } else if (table->report().version_code != 0) {
    const uint64_t want = linux_version_code(o.release);
    if (table->report().version_code == want) {
      v.verdict = "usable: Version_" + std::to_string(want) + " matches " + o.release;
      j.trust = MapTrust::kVersionSymbol;
    } else {
      v.verdict = "refused: Version_" + std::to_string(table->report().version_code) + " is not " +
                  o.release + " (" + std::to_string(want) + ")";
    }
  } else {
    v.verdict = "unverified: no way to check it (" + counts + ")";
    j.trust = MapTrust::kUnverified;
  }
  return j;
}

}  // namespace

std::string_view to_string(MapTrust t) {
  switch (t) {
    case MapTrust::kContent:
      return "verified against kallsyms";
    case MapTrust::kKallsyms:
      return "kallsyms itself (real addresses)";
    case MapTrust::kReleaseName:
      return "release in the file name (kallsyms hidden)";
    case MapTrust::kVersionSymbol:
      return "Version_ symbol matches the release";
    case MapTrust::kUnverified:
      return "UNVERIFIED (translated lines are marked)";
    case MapTrust::kNone:
      return "no map";
  }
  return "?";
}

std::vector<std::string> map_candidates(const std::string& root, const std::string& release) {
  std::vector<std::string> list;
  auto add = [&](const std::string& p) {
    std::string full = root + p;
    if (std::find(list.begin(), list.end(), full) == list.end()) list.push_back(full);
  };
  auto add_both = [&](const std::string& base) {
    if (!release.empty()) add(base + "-" + release);
    add(base);
  };
  // klogd 1.5: each path first as PATH-RELEASE, then PATH.
  add_both("/boot/System.map");
  add_both("/System.map");
  add_both("/usr/src/linux/System.map");
  // ps (procps): /boot/System.map-%s, /boot/System.map, /lib/modules/%s/System.map,
  // /usr/src/linux/System.map, /System.map.
  if (!release.empty()) add("/boot/System.map-" + release);
  add("/boot/System.map");
  if (!release.empty()) add("/lib/modules/" + release + "/System.map");
  add("/usr/src/linux/System.map");
  add("/System.map");
  // Debian's linux-image-RELEASE-dbg.
  if (!release.empty()) add("/usr/lib/debug/boot/System.map-" + release);
  return list;
}

CoreSymbols MapSelection::core() const {
  CoreSymbols c;
  c.table = table;
  c.slide = slide.value_or(0);
  c.slide_known = slide.has_value();
  c.verified = trust != MapTrust::kUnverified;
  c.description = chosen.empty() ? "no map" : chosen + " (" + std::string(to_string(trust)) + ")";
  c.map_path = chosen;
  return c;
}

std::string MapSelection::report() const {
  std::string s;
  s += "kallsyms: " + (kallsyms_real ? std::string("real addresses") : kallsyms_note) + "\n";
  s += "candidates:\n";
  for (const auto& c : candidates) s += "  " + c.path + ": " + c.verdict + "\n";
  s += "chosen: " + (chosen.empty() ? std::string("none") : chosen) + "\n";
  s += "trust: " + std::string(to_string(trust)) + "\n";
  if (!check.empty()) s += "check: " + check + "\n";
  s += "slide: " +
       (slide ? describe_slide(*slide, hide_slide) + " (" + slide_source + ")"
              : std::string("unknown (") + slide_source + ")") +
       "\n";
  char ms[32];
  std::snprintf(ms, sizeof ms, "%.1f", check_ms);
  s += "time: " + std::string(ms) + " ms\n";
  s += std::string("verdict: ") +
       (verified() ? "verified"
        : table    ? "usable, not verified"
                   : "no map") +
       "\n";
  return hide_slide ? masked_kernel_addresses(s) : s;
}

bool select_map(const MapSearchOptions& o, MapSelection* out, std::string* err) {
  auto t0 = std::chrono::steady_clock::now();
  *out = MapSelection{};
  out->hide_slide = o.hide_slide;
  auto kallsyms = std::make_shared<SymbolTable>();
  std::string kerr;
  const std::string& kpath = o.kallsyms_path;
  if (!o.kallsyms_path.empty() && kallsyms->load_file(kpath, &kerr)) {
    out->kallsyms_real = true;
    out->kallsyms = kallsyms;
  } else {
    out->kallsyms_note = o.kallsyms_path.empty() ? "not used" : kerr + mounted_over_hint(kpath);
    out->kallsyms_hidden = kallsyms->report().zero_addresses > 0;
  }

  std::vector<std::string> list =
      o.explicit_map.empty() ? map_candidates(o.map_root, o.release) : std::vector{o.explicit_map};

  struct Fallback {
    std::shared_ptr<const SymbolTable> table;
    std::string path;
    MapTrust trust = MapTrust::kNone;
  } best;
  auto offer = [&](std::shared_ptr<const SymbolTable> t, const std::string& path, MapTrust trust) {
    if (best.trust == MapTrust::kNone || trust < best.trust) best = {std::move(t), path, trust};
  };

  bool content_failed = false;
  for (const std::string& path : list) {
    Judged j = judge_candidate(path, o, out->kallsyms_real ? kallsyms.get() : nullptr);
    out->candidates.push_back(j.verdict);
    if (j.trust == MapTrust::kNone) {
      content_failed = content_failed || j.content_failed;
      continue;
    }
    offer(j.table, path, j.trust);
    if (j.trust == MapTrust::kContent) {
      out->check = j.check;
      out->slide = j.slide;  // the content check's evidence, weighed at the end
      break;
    }
  }

  if (best.trust != MapTrust::kContent && out->kallsyms_real && o.use_kallsyms_fallback &&
      o.explicit_map.empty()) {
    offer(kallsyms, kpath, MapTrust::kKallsyms);
    out->slide = 0;
    out->slide_source = "kallsyms addresses are runtime addresses";
    out->check = "none needed: kallsyms is the running kernel's own table";
  }

  if (!o.explicit_map.empty() && best.trust == MapTrust::kNone && content_failed && o.force) {
    // Forced: load it again and use it, marked.
    auto table = std::make_shared<SymbolTable>();
    std::string lerr;
    if (table->load_file(o.explicit_map, &lerr)) {
      offer(table, o.explicit_map, MapTrust::kUnverified);
      out->candidates.back().verdict += " (forced with --force-map)";
    }
  }
  if (!o.explicit_map.empty() && best.trust == MapTrust::kNone) {
    *err = out->candidates.empty()
               ? o.explicit_map + ": cannot be used"
               : out->candidates.back().path + ": " + out->candidates.back().verdict;
    if (content_failed) *err += " (use --force-map to use it anyway)";
    out->check_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    return false;
  }

  out->table = best.table;
  if (out->table) out->table->release_pages();  // the check read names all over the file
  out->chosen = best.path;
  out->trust = best.trust;
  if (best.trust != MapTrust::kNone && best.trust != MapTrust::kKallsyms) {
    SlideEvidence e;  // the one rule of which evidence wins (symbols/kaslr.h)
    e.given = o.known_slide;
    e.content = best.trust == MapTrust::kContent ? out->slide : std::nullopt;
    if (auto map_text = best.table->address_of("_text"); o.runtime_text && map_text)
      e.runtime_text = static_cast<int64_t>(*o.runtime_text - *map_text);
    if (o.kaslr_disabled) e.kaslr_off = o.no_kaslr_reason.empty() ? "nokaslr" : o.no_kaslr_reason;
    const ChosenSlide chosen = choose_slide(e);
    out->slide = chosen.slide;
    out->slide_source =
        chosen.slide ? chosen.source
                     : "kallsyms hidden, /proc/kcore unreadable, no --kaslr-offset, and KASLR not "
                       "known to be off: core kernel addresses stay as they are";
  }
  if (best.trust == MapTrust::kNone) out->slide_source = "no map to slide";
  if (best.trust == MapTrust::kReleaseName || best.trust == MapTrust::kVersionSymbol ||
      best.trust == MapTrust::kUnverified)
    out->check = std::string(to_string(best.trust));
  out->check_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  return true;
}

}  // namespace klogd
