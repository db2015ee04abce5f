// The daemon, wired in the order its life needs: open what takes root (the log source, the pid
// file, the symbols, the output file), fork, make what the user must write and hand it over,
// drop privileges, then start the threads (reader, senders) and the loop. No thread exists
// before the fork.
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "annotate/annotator.h"
#include "annotate/record_processor.h"
#include "pstore/previous_boot.h"
#include "diagnostics.h"
#include "kmsg/log_source.h"
#include "kmsg/reading_thread.h"
#include "kmsg/record_ring.h"
#include "pstore/pstore_state.h"
#include "kmsg/restart_point.h"
#include "kmsg/seqnum_state.h"
#include "metrics_from_options.h"
#include "modes.h"
#include "pipeline/notify_ticker.h"
#include "pipeline/pipeline.h"
#include "pipeline/source_service.h"
#include "symbols/debuginfod_fetch.h"
#include "symbols/symbol_loading.h"
#include "pipeline/symbol_keeper.h"
#include "process_life.h"
#include "sinks_from_options.h"
#include "util/host.h"

namespace klogd {
namespace {

namespace asio = boost::asio;

// The reader's hand-off: ~140,000 short records of slack. When the reader runs SCHED_FIFO and a
// flood's writer holds the other CPU, the loop may get little CPU for the whole burst: the ring
// must hold it then (at 2 and 4 MiB, a 100,000-record burst overflowed it now and then).
constexpr size_t kRingBytes = 8u << 20;
constexpr int kLoopNice = 5;  // the loop thread's nice value, the reader's is 0

LogSource::Kind source_kind(const Options& o, const KernelPaths& paths) {
  if (o.source == Source::kSyscall) return LogSource::Kind::kSyscall;
  if (o.source == Source::kProc) return LogSource::Kind::kProc;
  return LogSource::records_at(paths.kmsg);  // the device, or a saved capture (--kmsg FILE)
}

// Restart continuity, for the daemon reading /dev/kmsg from its oldest record: where the last
// run stopped, unless that position cannot be this ring's (past its newest record).
void resume(const Options& o, const KernelPaths& paths, LogSource* source, SeqnumState* state,
            RecordProcessor* processor, bool* use_state) {
  std::string err, boot_id = read_boot_id(paths.boot_id);
  if (boot_id.empty()) {
    spdlog::warn("no boot id: restart continuity off");
    return;
  }
  if (!state->open(o.state_file, boot_id, &err)) {
    spdlog::warn("{}: restart continuity off", err);
    return;
  }
  *use_state = true;
  spdlog::info("{}: {}", o.state_file, state->note());
  if (!state->resume_seq()) return;
  LogSource::Scan ring = source->scan();
  source->rewind();
  RestartPoint point = choose_restart_point(state->resume_seq(), ring.last_seq);
  if (!point.warning.empty()) spdlog::warn("{}: {}", o.state_file, point.warning);
  if (point.resume_at) processor->resume_at(*point.resume_at);
}

// The previous boot's crashes and last words, from pstore and kdump, made records for the sinks
// (pstore/previous_boot.h); as root, before the drop (pstore is root's) and before live records.
// The state file (which dumps were harvested; each boot's last delivered kernel time) is opened
// and kept for the pipeline.
PreviousBoot harvest(const Options& o, const KernelPaths& paths, PstoreState* state,
                     PreviousBootCounts* counts) {
  std::string err, note;
  if (o.pstore_state != "none") {
    std::string boot_id = read_boot_id(paths.boot_id);
    if (boot_id.empty())
      err = "no boot id";
    else if (make_folders_for(o.pstore_state, &err))
      state->open(o.pstore_state, boot_id, &err, &note);
    if (!note.empty()) spdlog::warn("{}", note);
    if (!err.empty() && state->busy())
      spdlog::info("{}: the harvest does not remember what it sent", err);
    else if (!err.empty())
      spdlog::warn("{}: every dump found is harvested at each start, all its lines sent", err);
  }
  PreviousBootOptions po;
  po.paths = o.pstore.empty() ? default_pstore_paths() : o.pstore;
  po.missing_is_problem = !o.pstore.empty();
  if (state->is_open()) {
    po.delivered_usec = state->previous_delivered_usec();
    po.previous_boot_id = state->previous_boot_id();
    po.known = [state](const std::string& key) { return state->known(key); };
  }
  AnnotatorOptions ao = annotator_options(o);
  ao.style = AnnotationStyle::kNone;  // the previous boot's addresses are not this boot's
  Annotator as_printed(nullptr, ao);
  const auto t0 = std::chrono::steady_clock::now();
  PreviousBoot p = harvest_previous_boot(po, as_printed);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - t0)
                      .count();
  for (const std::string& problem : p.problems) spdlog::warn("previous boot: {}", problem);
  if (!p.new_keys.empty() && !state->remember(p.new_keys, &err)) spdlog::warn("{}", err);
  if (p.dumps > 0)
    spdlog::info(
        "previous boot: {} dumps ({} harvested before), {} lines not delivered then ({} were), "
        "{} incidents ({} told then), in {} ms",
        p.dumps, p.known_dumps, p.lines, p.delivered_lines, p.incidents.size(), p.told_incidents,
        ms);
  if (o.pstore_unlink) {
    for (const std::string& f : p.files)
      if (::unlink(f.c_str()) != 0)
        spdlog::warn("--pstore-unlink: {}: {}", f, std::strerror(errno));
  }
  counts->dumps = p.new_keys.size();
  counts->problems = p.problems.size();
  for (const Incident& i : p.incidents) {
    ++counts->incidents[i.type];
    if (i.panicked) ++counts->panics;
  }
  if (!o.incident_records)
    std::erase_if(p.records, [](const FinishedRecord& r) { return r.event != nullptr; });
  return p;
}

bool path_exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

// The output file klogd just made, handed to --user through a descriptor of its own (never
// through a symbolic link).
bool hand_output_to_user(const std::string& path, const std::string& user, std::string* err) {
  int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    *err = path + ": " + std::strerror(errno);
    return false;
  }
  bool ok = hand_to_user(fd, path, user, err);
  ::close(fd);
  return ok;
}

}  // namespace

int run_daemon(const Options& o) {
  // The signals klogd answers are held until its handlers are in place (below): a SIGTSTP during
  // start-up must not stop it, nor a SIGTERM end it without its shutdown. Threads made meanwhile
  // inherit the mask and leave them to the main thread.
  sigset_t answered;
  sigemptyset(&answered);
  for (int s : {SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGUSR2, SIGTSTP, SIGCONT})
    sigaddset(&answered, s);
  pthread_sigmask(SIG_BLOCK, &answered, nullptr);
  std::string err;
  const KernelPaths paths = kernel_paths(o);
  const LogSource::Kind kind = source_kind(o, paths);
  const bool replay = kind == LogSource::Kind::kCapture;
  const bool daemon = !o.one_shot && !replay;  // a pid file, restarts, uevents
  const bool forking = daemon && !o.no_fork;

  // 1. What needs root: the log, the pid file (a second instance is refused before anything
  //    loads), the symbols, the output file.
  LogSource source;
  if (!source.open(kind, kind == LogSource::Kind::kProc ? paths.proc_kmsg : paths.kmsg, &err)) {
    spdlog::error("{}", err);
    return 1;
  }
  PidFile pid_file;
  if (daemon && !pid_file.acquire(o.pid_file, &err)) {
    spdlog::error("{}", err);
    return 1;
  }
  asio::io_context io;  // no thread; its epoll set is made once, after the fork (see below)
  Symbolizer symbolizer;
  SymbolKeeper keeper(io, &symbolizer, {symbol_options(o), !o.no_translate, o.paranoid}, log_notes);
  if (!keeper.load(&err)) {
    spdlog::error("{}", err);
    return 1;
  }
  Annotator annotator(&symbolizer, annotator_options(o));
  RecordProcessor processor(&annotator);
  processor.set_observer([&](const KmsgRecord& r) { keeper.observe(r); });
  if (o.start == StartAt::kEnd && kind == LogSource::Kind::kDevice) {
    // Past what the ring holds now, remembering its last sequence number: a loss right at the
    // start is then counted too.
    if (auto last = source.scan().last_seq) processor.set_expected_seq(*last + 1);
  }
  SinkSet sinks;
  std::vector<std::string> writable;
  // The output file is handed to --user (for SIGHUP's reopen) only when klogd makes it.
  const bool made_output =
      !o.output_file.empty() && o.output_file != "-" && !path_exists(o.output_file);
  if (!make_sinks(o, paths, forking, &sinks, &writable, &err)) {
    spdlog::error("{}", err);
    return 1;
  }
  if (o.console_level && !set_console_level(*o.console_level, &err)) spdlog::error("{}", err);

  // 2. The background.
  if (forking) {
    io.notify_fork(asio::io_context::fork_prepare);
    daemonize(o.output_file == "-" || (o.output_file.empty() && o.sink == SinkChoice::kStdout));
    io.notify_fork(asio::io_context::fork_child);
    diagnostics_to_syslog(tell_parent);  // once stderr is gone; errors also to the parent
  }
  pid_file.update();

  // 3. What the user must write, made and handed over; the state file, opened and kept; then
  //    the privilege drop.
  const bool use_state_file = daemon && kind == LogSource::Kind::kDevice &&
                              o.start == StartAt::kOldest && !o.state_file.empty() &&
                              o.state_file != "none";
  for (const std::string& dir : writable) {
    if (!prepare_writable_dir(dir, o.user, &err)) {
      spdlog::error("{} (needed to write there as {})", err, o.user.empty() ? "klogd" : o.user);
      return 1;
    }
  }
  if (made_output && !hand_output_to_user(o.output_file, o.user, &err))
    spdlog::warn("{}: SIGHUP cannot reopen it after the drop", err);
  SeqnumState state;
  bool use_state = false;
  if (use_state_file) {
    if (make_folders_for(o.state_file, &err))
      resume(o, paths, &source, &state, &processor, &use_state);
    else
      spdlog::warn("{}: restart continuity off", err);
  }
  // 3b. The previous boot's crashes, harvested before live records flow.
  PstoreState pstore_state;
  PreviousBootCounts previous_counts;
  const bool harvesting = !replay && (daemon || !o.pstore.empty()) &&
                          !(o.pstore.size() == 1 && o.pstore[0] == "none");
  PreviousBoot previous;
  if (harvesting) previous = harvest(o, paths, &pstore_state, &previous_counts);
  if (o.user.empty() && !keep_only_syslog_capability(&err)) {  // CAP_DAC_READ_SEARCH's work is done
    spdlog::error("{}", err);
    return 1;
  }
  allow_realtime(o.reader_priority);
  if (!o.user.empty()) {
    if (daemon) keep_pid_file_as_root(o.pid_file);
    if (!drop_to_user(o.user, &err)) {
      spdlog::error("{}", err);
      return 1;
    }
    spdlog::info("running as {} with CAP_SYSLOG only", o.user);
  }

  // 4. The threads and the loop.
  RecordRing ring(kRingBytes);
  ReadingThread reader(&source, &ring, !daemon && !replay);
  if (!sinks.start(&err)) {
    spdlog::error("{}", err);
    return 1;
  }
  bool realtime = reader.start(o.reader_priority, &err) && o.reader_priority > 0;
  if (!err.empty()) spdlog::warn("{}", err);
  // At normal priority, the loop thread yields to the reader: on a busy CPU, what loses records
  // is the reader waiting for one (the loop has a ring of slack; the kernel's ring has none).
  // SCHED_BATCH: its wake-ups do not preempt the reader; nice 5: a smaller share beside it. A
  // SCHED_FIFO reader needs no such help, and the loop must then hold its own against a flood's
  // writer on the other CPU.
  if (!realtime) {
    sched_param none{};
    ::pthread_setschedparam(::pthread_self(), SCHED_BATCH, &none);
    ::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), kLoopNice);
  }
  spdlog::debug("source: {}", source.describe());
  int status = 0;
  PipelineOptions po;
  po.source = kind;
  IncidentTrackerOptions to;
  to.window = std::chrono::seconds(o.incident_window);
  to.keep_style = annotated_in_keep_style(annotator.options());
  IncidentTracker incidents(to);
  Pipeline pipeline(io, &ring, &processor, &sinks, use_state ? &state : nullptr, po,
                    {[&] { keeper.module_miss(); }, log_notes,
                     [&](int s) {
                       status = s;
                       io.stop();
                     }});
  if (o.incident_records) pipeline.set_incidents(&incidents);
  // Source lines: the incidents' guilty lines, and with --source-lines every frame's. Nothing is
  // opened before a frame needs it, and then as the user klogd runs as.
  std::unique_ptr<SourceService> source_lines;
  if ((o.incident_records || o.source_lines) &&
      o.debuginfo != std::vector<std::string>{"none"}) {
    SourceServiceOptions so;
    so.debuginfo = o.debuginfo;
    // a replay's kernel is not this one: its release only when named
    so.release = o.release.empty() && !replay ? running_release(KernelPaths{}) : o.release;
    so.running_kernel = !replay;
    so.debuginfod = debuginfod_configured();
    so.idle_close = std::chrono::seconds(o.debuginfo_idle);
    source_lines = std::make_unique<SourceService>(io, so, log_notes);
    pipeline.set_source_lines(source_lines.get(), o.source_lines);
  }
  pipeline.set_first_records(std::move(previous.records));
  if (pstore_state.is_open()) pipeline.set_delivered_clock(&pstore_state);
  DaemonMetrics metrics(
      io, o,
      {KLOGD_VERSION, &processor.counters(), [&] { return reader.overruns(); }, &sinks,
       o.incident_records ? &incidents : nullptr, &symbolizer, !o.no_translate, nullptr,
       "/sys/kernel", true, harvesting ? &previous_counts : nullptr, source_lines.get()});
  if (!metrics.start(&err)) {
    spdlog::error("{}", err);
    return 1;
  }
  auto stop = [&] {
    reader.stop();
    pipeline.shutdown();
  };
  NotifyTicker tick(io, [&] {
    const auto& c = processor.counters();
    return "records " + std::to_string(c.records) + ", translated " + std::to_string(c.translated) +
           ", missed " + std::to_string(c.missed) + ", malformed " + std::to_string(c.malformed);
  });
  asio::signal_set signals(io);
  std::function<void(boost::system::error_code, int)> on_signal = [&](boost::system::error_code ec,
                                                                      int signo) {
    if (ec) return;
    Notes n;
    switch (signo) {
      case SIGTERM:
      case SIGINT:
        spdlog::info("signal {}: exiting", signo);
        tick.stop();
        stop();
        return;
      case SIGHUP:
        sinks.reopen(&n);
        log_notes(n);
        break;
      case SIGUSR1:
      case SIGUSR2:
        keeper.reload(signo == SIGUSR2);
        break;
      case SIGTSTP:
        spdlog::info("SIGTSTP: logging suspended");
        pipeline.suspend();
        break;
      case SIGCONT:
        spdlog::info("SIGCONT: logging resumed");
        pipeline.resume();
        break;
    }
    signals.async_wait(on_signal);
  };
  for (int s : {SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGUSR2, SIGTSTP, SIGCONT}) signals.add(s);
  signals.async_wait(on_signal);
  pthread_sigmask(SIG_UNBLOCK, &answered, nullptr);  // what came meanwhile is handled now
  if (daemon) {
    keeper.listen_uevents();
    tick.start();
  }
  pipeline.start();
  sd_notify(0, "READY=1");
  daemon_ready();
  io.run();

  keeper.stop();
  reader.stop();
  tick.stop();
  metrics.stop();
  const auto& c = processor.counters();
  spdlog::debug("records {}, translated {}, missed {}, malformed {}, skipped {}", c.records,
                c.translated, c.missed, c.malformed, c.skipped);
  if (c.skipped) spdlog::info("skipped {} records forwarded before the restart", c.skipped);
  return status;
}

}  // namespace klogd
