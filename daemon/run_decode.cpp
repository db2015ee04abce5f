// klogd --decode FILE: annotate a saved kernel log with the crashed machine's files.
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>

#include "annotate/source_lines.h"
#include "decode/decode_output.h"
#include "decode/decode_setup.h"
#include "decode/log_line.h"
#include "decode/pstore_incidents.h"
#include "incidents/incident_json.h"
#include "modes.h"
#include "util/fd_io.h"
#include "util/file_buffer.h"

namespace klogd {

int run_decode(const Options& o) {
  std::string log, err;
  // pstore's records of the previous boot (a record, dmesg.txt, or a folder of them)
  PstoreHarvest pstore;
  const bool from_pstore = o.decode_file != "-" && is_pstore_path(o.decode_file);
  if (from_pstore) {
    if (!o.incidents) {
      spdlog::error("{}: pstore records are read with --incidents", o.decode_file);
      return 2;
    }
    pstore = read_pstore(o.decode_file);
    for (const std::string& p : pstore.problems) spdlog::warn("pstore: {}", p);
    spdlog::info("pstore: {} file(s), {} dump(s)", pstore.files, pstore.dumps.size());
    for (const PstoreRecord& d : pstore.dumps) {
      if (d.bad_lines)
        spdlog::warn("pstore: {}: {} line(s) that are no log lines", d.name, d.bad_lines);
      for (const PstoreLine& l : d.lines) {
        log += l.text;
        log += '\n';
      }
    }
  } else if (o.decode_file == "-") {
    if (!read_all(STDIN_FILENO, &log)) {
      spdlog::error("standard input: {}", std::strerror(errno));
      return 1;
    }
  } else {
    FileBuffer fb;
    if (!fb.load(o.decode_file, &err)) {
      spdlog::error("{}", err);
      return 1;
    }
    log.assign(fb.view());
  }
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
  // --debuginfo: source lines, from files that hold every frame the log printed of them
  SourceLines source;
  for (const std::string& path : o.debuginfo) {
    if (!source.add(path, &err)) {
      spdlog::error("--debuginfo {}", err);
      return 1;
    }
  }
  if (!source.empty()) {
    std::vector<PrintedSymbol> printed;
    for_each_log_line(log, [&](size_t, std::string_view, const LogLine& l) {
      for (PrintedSymbol& p : find_printed_symbols(l.text)) printed.push_back(std::move(p));
    });
    if (!source.check(printed, &err)) {
      spdlog::error("--debuginfo: {}", err);
      return 1;
    }
  }
  std::string out;
  if (from_pstore)
    for (const Incident& i : pstore_incidents(pstore.dumps, annotator))
      append_incident_json(i, &out);
  else if (o.incidents)
    decode_incidents(log, annotator, &out);
  else
    decode_log(log, annotator, DecodeOutput{o.twice, o.json, source.empty() ? nullptr : &source},
               &out);
  std::fwrite(out.data(), 1, out.size(), stdout);
  return std::fflush(stdout) == 0 ? 0 : 1;
}

}  // namespace klogd
