// Phases 1 and 2 of the daemon's start (life/start_phases.h): what needs root, then the fork.
#include <malloc.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include "life/diagnostics.h"
#include "life/privileges.h"
#include "life/sinks_from_config.h"
#include "life/start_phases.h"
#include "symbols/debug_info.h"
#include "symbols/debuginfo_search.h"
#include "util/plugin.h"

namespace klogd {
namespace {

bool path_exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

}  // namespace

bool open_privileged(DaemonParts& d, ProcessPlumbing& process, std::string* err) {
  const Config& c = d.config;
  const std::string& path =
      c.source_kind == LogSource::Kind::kProc ? c.paths.proc_kmsg : c.paths.kmsg;
  if (!d.source.open(c.source_kind, path, err)) return false;
  if (c.pid_file && !process.acquire_pid_file(*c.pid_file, err)) return false;
  d.keeper = std::make_unique<SymbolKeeper>(
      d.io, &d.symbolizer, SymbolKeeperOptions{c.symbols, c.translate, c.paranoid}, log_notes);
  if (!d.keeper->load(err)) return false;
  ::malloc_trim(0);  // what the map search read and dropped (the check's kallsyms) given back
  d.annotator = std::make_unique<Annotator>(&d.symbolizer, c.annotator);
  d.processor = std::make_unique<RecordProcessor>(d.annotator.get());
  d.processor->set_observer([keeper = d.keeper.get()](const KmsgRecord& r) { keeper->observe(r); });
  if (c.start == StartAt::kEnd && c.source_kind == LogSource::Kind::kDevice) {
    // Past what the ring holds now, remembering its last sequence number: a loss right at the
    // start is then counted too.
    if (auto last = d.source.scan().last_seq) d.processor->set_expected_seq(*last + 1);
  }
  // The output file is handed to --user (for SIGHUP's reopen) only when klogd makes it.
  const auto& out = c.sinks.output_file;
  d.made_output = out && *out != "-" && !path_exists(*out);
  if (!make_sinks(c.sinks, c.paths, c.forking, &d.sinks, &d.writable, err)) return false;
  if (c.console_level && !set_console_level(*c.console_level, err)) spdlog::error("{}", *err);
  // The plugins the configuration uses, loaded while root: klogd's folder of them need not be
  // open to --user (a build tree in root's home). One that cannot be loaded is said when used.
  // Source lines: when debug info was named, or the release's is installed (not merely looked
  // for: a daemon without debug info maps none of libdw's libraries).
  std::string why;
  if (c.source_lines) {
    const SourceLinesConfig& s = *c.source_lines;
    bool installed = !s.debuginfo.empty() || s.decorate;
    if (!installed && s.release)
      for (const std::string& f : debug_file_candidates({}, *s.release, ""))
        installed = installed || path_exists(f);
    if (installed) load_plugin(kDebuginfoPlugin, &why);
  }
  for (const ForwardTarget& t : c.sinks.forward)
    if (t.scheme == "tls") load_plugin("tls", &why);
  err->clear();
  return true;
}

void go_background(DaemonParts& d, ProcessPlumbing& process) {
  d.io.notify_fork(boost::asio::io_context::fork_prepare);
  process.background(d.config.sinks.to_stdout());
  d.io.notify_fork(boost::asio::io_context::fork_child);
  // once stderr is gone; errors also to the waiting parent
  diagnostics_to_syslog([&process](std::string_view m) { process.tell_parent(m); });
}

}  // namespace klogd
