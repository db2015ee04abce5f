#include "decode/decode_setup.h"

#include <map>

#include "annotate/annotator.h"
#include "decode/log_line.h"
#include "symbols/kaslr.h"
#include "symbols/kernel_release.h"
#include "symbols/map_check.h"
#include "symbols/module_table.h"
#include "symbols/printed_symbols.h"
#include "util/hex.h"

namespace klogd {
namespace {

// What the log itself says of its kernel.
struct LogEvidence {
  std::optional<int64_t> kernel_offset;
  bool cmdline_nokaslr = false;
  std::string release;
  std::vector<PrintedSymbol> printed;
  std::vector<std::pair<uint64_t, PrintedSymbol>> pairs;  // a raw address beside its symbol
};

LogEvidence read_log(std::string_view log) {
  LogEvidence e;
  for_each_log_line(log, [&](size_t, std::string_view, const LogLine& l) {
    std::string_view t = l.text;
    if (auto off = parse_kernel_offset_line(t)) e.kernel_offset = off;
    if (t.starts_with("Command line:") &&
        (std::string(t) + " ").find(" nokaslr ") != std::string::npos)
      e.cmdline_nokaslr = true;
    if (t.starts_with("Linux version "))
      if (auto r = release_of_version_line(t)) e.release.assign(*r);
    if (t.find("+0x") == std::string_view::npos) return;
    auto ps = find_printed_symbols(t);
    auto raws = find_address_tokens(t, /*registers=*/false);
    if (raws.size() == 1) {
      for (const auto& p : ps)
        if (p.module.empty()) e.pairs.emplace_back(raws[0].address, p);
    }
    e.printed.insert(e.printed.end(), ps.begin(), ps.end());
  });
  return e;
}

// The crashed machine's files; nothing is read from the running system.
struct Files {
  std::shared_ptr<SymbolTable> kallsyms, map;
};

bool load_files(const DecodeInputs& in, DecodeSetup* setup, Files* f, std::string* err) {
  if (!in.kallsyms_path.empty()) {
    auto k = std::make_shared<SymbolTable>();
    std::string kerr;
    if (k->load_file(in.kallsyms_path, &kerr))
      f->kallsyms = k;
    else
      setup->notes.push_back("kallsyms: " + kerr + ": used for module symbols only");
  }
  if (!in.map_path.empty()) {
    f->map = std::make_shared<SymbolTable>();
    if (!f->map->load_file(in.map_path, err)) return false;
    for (const auto& b : f->map->report().first_bad) setup->notes.push_back("map: skipped " + b);
  }
  if (!in.modules_path.empty() || !in.kallsyms_path.empty()) {
    auto modules = std::make_shared<ModuleTable>();
    if (!modules->load_files(in.modules_path, in.kallsyms_path, err)) return false;
    if (modules->hidden_bases())
      setup->notes.push_back("modules: base addresses read 0 in " + in.modules_path +
                             ": those modules stay untranslated");
    setup->symbolizer.set_modules(modules);
  }
  return true;
}

// The map's checks: against the kallsyms file, against the symbols the kernel printed, its
// file name's release against the log's. A check that says the map is wrong refuses it, unless
// --force-map: then it is used, marked. False with *err when refused.
bool check_map(const DecodeInputs& in, const Files& f, const LogEvidence& log, CoreSymbols* core,
               SlideEvidence* slide, std::vector<std::string>* notes, std::string* err) {
  auto refused = [&](const std::string& msg) {
    if (!in.force) {
      *err = msg + " (--force-map to use it anyway)";
      return true;
    }
    notes->push_back(msg + " (forced)");
    core->verified = false;
    return false;
  };
  bool checked = false;
  if (f.kallsyms) {  // 1. the content check against the kallsyms file
    ContentCheck c = check_map_against_kallsyms(*f.map, *f.kallsyms);
    checked = true;
    if (!c.ok && refused(in.map_path + " does not belong to the kernel of " + in.kallsyms_path +
                         ": " + c.summary()))
      return false;
    if (c.ok) {
      notes->push_back("map check: " + c.summary());
      slide->content = c.slide;
    }
  }
  PrintedCheck pc = check_printed_symbols(log.printed, *f.map);  // 2. what the kernel printed
  if (pc.checked > 0) {
    checked = true;
    if (pc.agreed * 10 < pc.checked * 9) {
      if (refused(in.map_path + " is not the map of the kernel that wrote this log: " +
                  std::to_string(pc.checked - pc.agreed) + " of " + std::to_string(pc.checked) +
                  " symbols it printed disagree (" + pc.disagreement + ")"))
        return false;
    } else {
      notes->push_back("map check: " + std::to_string(pc.agreed) + "/" +
                       std::to_string(pc.checked) + " symbols printed by the kernel agree");
    }
  }
  const std::string base = in.map_path.substr(in.map_path.rfind('/') + 1);
  if (!log.release.empty() && base.starts_with("System.map-")) {  // 3. the release
    const std::string map_release = base.substr(11);
    if (map_release != log.release) {
      if (refused(in.map_path + " is for release " + map_release + ", the log says Linux version " +
                  log.release))
        return false;
    } else {
      checked = true;
      notes->push_back("map check: release " + map_release + " matches the log");
    }
  }
  if (!checked) {
    core->verified = false;
    notes->push_back("map check: nothing to check " + in.map_path +
                     " against (no kallsyms, no symbol printed by the kernel): unverified, "
                     "translated lines are marked");
  }
  return true;
}

// The slide: the one rule of which evidence wins (symbols/kaslr.h).
void choose_decode_slide(const DecodeInputs& in, const LogEvidence& log, const SymbolTable& map,
                         SlideEvidence evidence, CoreSymbols* core, DecodeSetup* setup) {
  evidence.given = in.kaslr_offset;
  evidence.kernel_offset = log.kernel_offset;
  if (log.cmdline_nokaslr) evidence.kaslr_off = "nokaslr on the log's Command line";
  // Same-line pairs: raw address - (map address of the printed symbol + offset), by majority.
  std::map<int64_t, size_t> votes;
  for (const auto& [raw, p] : log.pairs)
    for (uint64_t a : map.addresses_of(p.name)) votes[static_cast<int64_t>(raw - (a + p.offset))]++;
  for (const auto& [slide, n] : votes) {
    if (n > evidence.pair_votes && n * 2 > log.pairs.size()) {
      evidence.pairs = slide;
      evidence.pair_votes = n;
    }
  }
  const ChosenSlide chosen = choose_slide(evidence);
  core->slide_known = chosen.slide.has_value();
  core->slide = chosen.slide.value_or(0);
  setup->slide_source = chosen.source;
  if (!chosen.slide)
    setup->notes.push_back(
        "no KASLR slide evidence (no kallsyms file, no Kernel Offset line, no nokaslr, no raw "
        "address printed beside its symbol): core kernel addresses are left as they are; give "
        "--kaslr-offset HEX if you know it");
}

}  // namespace

bool prepare_decode(const DecodeInputs& in, std::string_view log, DecodeSetup* setup,
                    std::string* err) {
  Files f;
  if (!load_files(in, setup, &f, err)) return false;
  const LogEvidence evidence = read_log(log);
  CoreSymbols core;
  core.verified = true;
  if (!f.map && f.kallsyms) {
    core.table = f.kallsyms;
    core.slide = 0;
    setup->slide_source = "none needed: the kallsyms file holds runtime addresses";
    core.description = in.kallsyms_path;
  } else if (f.map) {
    core.table = f.map;
    core.description = in.map_path;
    SlideEvidence slide;
    if (!check_map(in, f, evidence, &core, &slide, &setup->notes, err)) return false;
    choose_decode_slide(in, evidence, *f.map, slide, &core, setup);
  }
  if (core.table && core.slide_known)
    setup->notes.push_back("slide " + describe_slide(core.slide, in.hide_slide) + " from " +
                           setup->slide_source);
  setup->symbolizer.set_core(core);
  return true;
}

}  // namespace klogd
