// klogd --decode FILE: annotate a saved kernel log with the crashed machine's files.
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <set>
#include <iostream>

#include "annotate/source_lines.h"
#include "symbols/debuginfo_search.h"
#include "symbols/kernel_release.h"
#include "symbols/debuginfod_fetch.h"
#include "decode/decode_output.h"
#include "decode/decode_setup.h"
#include "decode/log_line.h"
#include "pstore/pstore_incidents.h"
#include "decode/saved_log.h"
#include "incidents/incident_json.h"
#include "modes.h"
#include "util/fd_io.h"
#include "util/file_buffer.h"

namespace klogd {

namespace {

// Source lines: the files --debuginfo names (a folder is searched), else those the log's release
// has where distributions install them; used only when every frame the log printed of them is
// theirs. A file named that cannot be used stops klogd; one found by looking is left out.
bool source_lines(const Options& o, std::string_view log, SourceLines* source) {
  if (o.debuginfo == std::vector<std::string>{"none"}) return true;
  std::vector<PrintedSymbol> printed;
  std::set<std::string> modules;
  for_each_log_line(log, [&](size_t, std::string_view, const LogLine& l) {
    for (PrintedSymbol& p : find_printed_symbols(l.text)) {
      if (!p.module.empty() && p.module != "?") modules.insert(p.module);
      printed.push_back(std::move(p));
    }
  });
  if (printed.empty()) return true;  // no frame: nothing to look for
  const std::string release = o.release.empty() ? release_in_log(log) : o.release;
  std::string err;
  std::vector<DebugFiles> found;
  for (const std::string& path : o.debuginfo) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
      found.push_back(find_debug_files_in(path, release, modules));
      if (found.back().vmlinux.empty() && found.back().modules.empty())
        spdlog::warn("--debuginfo {}: no vmlinux or module of release '{}' in it", path, release);
    } else if (!source->add(path, &err)) {
      spdlog::error("--debuginfo {}", err);
      return false;
    }
  }
  const bool named = !o.debuginfo.empty();
  if (!named) found.push_back(find_debug_files(release, modules));
  for (const DebugFiles& f : found) {
    std::vector<std::string> files;
    if (!f.vmlinux.empty()) files.push_back(f.vmlinux);
    for (const auto& [name, file] : f.modules) files.push_back(file);
    for (const std::string& file : files) {
      if (source->add(file, &err))
        spdlog::info("source lines: {}", file);
      else
        spdlog::warn("source lines: {}", err);
    }
  }
  // debuginfod: the modules whose build ID the trace printed ([mod BUILDID]) and that are not here
  if (debuginfod_configured()) {
    std::map<std::string, std::string> wanted;
    for (const PrintedSymbol& p : printed)
      if (!p.build_id.empty() && !source->has_module(p.module)) wanted[p.module] = p.build_id;
    for (const auto& [module, id] : wanted) {
      const std::string file = fetch_debuginfo(id, kDebuginfodFetchTime, &err);
      if (file.empty())
        spdlog::warn("source lines: {}", err);
      else if (source->add_as(file, module, &err, id))
        spdlog::info("source lines: {} from debuginfod: {}", module, file);
      else
        spdlog::warn("source lines: {}", err);
    }
  }
  if (!source->empty() && !source->check(printed, &err)) {
    if (named) {
      spdlog::error("--debuginfo: {}", err);
      return false;
    }
    spdlog::warn("source lines: {}: not used", err);
    *source = SourceLines();
  }
  return true;
}

}  // namespace

int run_decode(const Options& o) {
  std::string err;
  // What the input is, from its bytes (decode/saved_log.h): a folder or pstore's records, or a
  // saved log in one of the line forms.
  SavedLog saved;
  if (!read_saved_log(o.decode_file, &saved, &err)) {
    spdlog::error("{}", err);
    return 1;
  }
  for (const std::string& n : saved.notes) spdlog::warn("{}", n);
  const bool from_pstore = saved.kind == SavedLog::Kind::kPstore;
  if (from_pstore) {
    const PstoreHarvest& pstore = saved.pstore;
    for (const std::string& p : pstore.problems) spdlog::warn("pstore: {}", p);
    spdlog::info("{}: {} dump(s)", saved.form, pstore.dumps.size());
    for (const PstoreRecord& d : pstore.dumps)
      if (d.bad_lines)
        spdlog::warn("pstore: {}: {} line(s) that are no log lines", d.name, d.bad_lines);
  }
  const std::string& log = saved.text;
  DecodeInputs in;
  in.map_path = o.map_file;
  in.kallsyms_path = o.kallsyms_file;
  in.modules_path = o.modules_file;
  in.kaslr_offset = o.kaslr_offset;
  in.force = o.force_map;
  in.hide_slide = o.hide_addresses;
  DecodeSetup setup;
  if (!o.no_translate) {
    if (in.map_path.empty() && in.kallsyms_path.empty() && in.modules_path.empty())
      spdlog::warn("--decode without -k, --kallsyms or --modules: nothing to translate with");
    bool ok = prepare_decode(in, log, &setup, &err);
    for (const auto& n : setup.notes) spdlog::info("{}", n);
    if (!ok) {
      spdlog::error("{}", err);
      return 1;
    }
  }
  AnnotatorOptions ao = annotator_options(o);
  // The user named the map; an unverified one is said once on stderr (prepare_decode's notes)
  // instead of on every line, so the output reads as the kernel would have printed it.
  ao.mark_unverified = false;
  Annotator annotator(&setup.symbolizer, ao);
  SourceLines source;
  if (!source_lines(o, log, &source)) return 1;
  std::string out;
  if (from_pstore && o.incidents)
    for (const Incident& i : pstore_incidents(saved.pstore.dumps, annotator))
      append_incident_json(i, &out);
  else if (o.incidents)
    decode_incidents(log, annotator, &out, source.empty() ? nullptr : &source);
  else
    decode_log(log, annotator, DecodeOutput{o.twice, o.json, source.empty() ? nullptr : &source},
               &out);
  std::fwrite(out.data(), 1, out.size(), stdout);
  return std::fflush(stdout) == 0 ? 0 : 1;
}

}  // namespace klogd
