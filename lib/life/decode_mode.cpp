// klogd --decode FILE: a saved kernel log annotated with the crashed machine's files.
#include <spdlog/spdlog.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <set>

#include "annotate/source_lines.h"
#include "decode/decode_output.h"
#include "decode/decode_setup.h"
#include "decode/log_line.h"
#include "decode/saved_log.h"
#include "incidents/incident_json.h"
#include "life/decode_sources.h"
#include "life/maintainers_file.h"
#include "life/modes.h"
#include "symbols/debug_info.h"
#include "symbols/debuginfo_search.h"
#include "symbols/debuginfod_fetch.h"
#include "symbols/kernel_release.h"

namespace klogd {
namespace {

// The frames the log printed, and the modules they name.
std::vector<PrintedSymbol> printed_frames(std::string_view log, std::set<std::string>* modules,
                                          bool* core) {
  std::vector<PrintedSymbol> printed;
  for_each_log_line(log, [&](size_t, std::string_view, const LogLine& l) {
    for (PrintedSymbol& p : find_printed_symbols(l.text)) {
      if (p.module.empty()) *core = true;
      if (!p.module.empty() && p.module != "?") modules->insert(module_key(p.module));
      printed.push_back(std::move(p));
    }
  });
  return printed;
}

// One object's file (the core kernel's, module ""): the candidates in order; a file the user
// named that cannot be read stops klogd, one found by looking is left out.
bool add_candidates(const std::vector<std::string>& named, const std::vector<std::string>& files,
                    const std::string& module, SourceLines* source) {
  std::string err;
  for (const std::string& file : files) {
    const bool given = std::find(named.begin(), named.end(), file) != named.end();
    if (module.empty() ? source->add(file, &err) : source->add_as(file, module, &err)) {
      spdlog::info("source lines: {}", file);
      return true;
    }
    if (given) {
      if (err.rfind(file, 0) == 0)  // "FILE: not an ELF file"
        spdlog::error("--debuginfo {}", err);
      else  // "the debuginfo plugin (...) cannot be loaded: ..."
        spdlog::error("--debuginfo {}: {}", file, err);
      return false;
    }
    spdlog::warn("source lines: {}", err);
  }
  return true;
}

}  // namespace

bool find_source_lines(const Config& c, std::string_view log, SourceLines* source) {
  if (!c.source_lines) return true;
  const SourceLinesConfig& s = *c.source_lines;
  std::set<std::string> modules;
  bool core = false;
  const std::vector<PrintedSymbol> printed = printed_frames(log, &modules, &core);
  if (printed.empty()) return true;  // no frame: nothing to look for
  const std::string release = s.release ? *s.release : release_in_log(log);
  for (const std::string& folder : s.debuginfo) {
    std::error_code ec;
    if (!std::filesystem::is_directory(folder, ec)) continue;
    const DebugFiles found = find_debug_files_in(folder, release, modules);
    if (found.vmlinux.empty() && found.modules.empty())
      spdlog::warn("--debuginfo {}: no vmlinux or module of release '{}' in it", folder, release);
  }
  if (core &&
      !add_candidates(s.debuginfo, debug_file_candidates(s.debuginfo, release, ""), "", source))
    return false;
  for (const std::string& m : modules)
    if (!add_candidates(s.debuginfo, debug_file_candidates(s.debuginfo, release, m), m, source))
      return false;
  std::map<std::string, std::string> wanted;  // debuginfod: module -> the build ID printed
  for (const PrintedSymbol& p : printed)
    if (fetch_from_debuginfod(debuginfod_configured(), p.build_id, source->has_module(p.module)))
      wanted[p.module] = p.build_id;
  std::string err;
  for (const auto& [module, id] : wanted) {
    const std::string file = fetch_debuginfo(id, kDebuginfodFetchTime, &err);
    if (file.empty())
      spdlog::warn("source lines: {}", err);
    else if (source->add_as(file, module, &err, id))
      spdlog::info("source lines: {} from debuginfod: {}", module, file);
    else
      spdlog::warn("source lines: {}", err);
  }
  if (!source->empty() && !source->check(printed, &err)) {
    if (!s.debuginfo.empty()) {
      spdlog::error("--debuginfo: {}", err);
      return false;
    }
    spdlog::warn("source lines: {}: not used", err);
    *source = SourceLines();
  }
  return true;
}

namespace {

// The crashed machine's symbols, checked against the log (decode/decode_setup.h).
bool symbols_for(const Config& c, std::string_view log, DecodeSetup* setup) {
  if (!c.translate) return true;
  DecodeInputs in;
  in.map_path = c.symbols.map_file;
  in.kallsyms_path = c.paths.kallsyms;  // --decode: only the files named ("" none)
  in.modules_path = c.paths.modules;
  in.kaslr_offset = c.symbols.kaslr_offset;
  in.force = c.symbols.force_map;
  in.hide_slide = c.hide_addresses;
  if (in.map_path.empty() && in.kallsyms_path.empty() && in.modules_path.empty())
    spdlog::warn("--decode without -k, --kallsyms or --modules: nothing to translate with");
  std::string err;
  const bool ok = prepare_decode(in, log, setup, &err);
  for (const auto& n : setup->notes) spdlog::info("{}", n);
  if (!ok) spdlog::error("{}", err);
  return ok;
}

}  // namespace

int run_decode(const Config& c) {
  std::string err;
  // What the input is, from its bytes (decode/saved_log.h): a folder or pstore's records, or a
  // saved log in one of the line forms.
  SavedLog saved;
  if (!read_saved_log(c.decode_file, &saved, &err)) {
    spdlog::error("{}", err);
    return 1;
  }
  for (const std::string& n : saved.notes) spdlog::warn("{}", n);
  const bool from_pstore = saved.kind == SavedLog::Kind::kPstore;
  if (from_pstore) {
    for (const std::string& p : saved.pstore.problems) spdlog::warn("pstore: {}", p);
    spdlog::info("{}: {} dump(s)", saved.form, saved.pstore.dumps.size());
    for (const PstoreRecord& d : saved.pstore.dumps)
      if (d.bad_lines)
        spdlog::warn("pstore: {}: {} line(s) that are no log lines", d.name, d.bad_lines);
  }
  const std::string& log = saved.text;
  DecodeSetup setup;
  if (!symbols_for(c, log, &setup)) return 1;
  AnnotatorOptions ao = c.annotator;
  // The user named the map; an unverified one is said once on stderr (prepare_decode's notes)
  // instead of on every line, so the output reads as the kernel would have printed it.
  ao.mark_unverified = false;
  const Annotator annotator(&setup.symbolizer, ao);
  SourceLines source;
  if (!find_source_lines(c, log, &source)) return 1;
  const SourceLines* lines = source.empty() ? nullptr : &source;
  std::shared_ptr<const Maintainers> tell;
  if (c.incidents && !maintainers_for(c, release_in_log(log), &tell)) return 1;
  std::string out;
  if (from_pstore && c.incidents)
    for (const Incident& i : pstore_incidents(saved.pstore.dumps, annotator))
      append_told_incident(i, tell.get(), &out);
  else if (c.incidents)
    decode_incidents(log, annotator, &out, lines, tell.get());
  else
    decode_log(log, annotator, DecodeOutput{c.sinks.twice, c.json, lines}, &out);
  std::fwrite(out.data(), 1, out.size(), stdout);
  return std::fflush(stdout) == 0 ? 0 : 1;
}

}  // namespace klogd
