// The daemon: open the source, load symbols, build sinks, run. Reading never waits for a
// reload (tables are built on a worker thread and swapped in on the loop's thread).
#include <fcntl.h>
#include <linux/netlink.h>
#include <signal.h>
#include <spdlog/sinks/syslog_sink.h>
#include <spdlog/spdlog.h>
#include <sys/file.h>
#include <sys/klog.h>
#include <sys/stat.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <iostream>
#include <set>
#include <thread>

#include "annotate/annotator.h"
#include "annotate/record_processor.h"
#include "asio.h"
#include "forward/forward_sink.h"
#include "kmsg/kmsg_reader.h"
#include "kmsg/seqnum_state.h"
#include "kmsg/text_line.h"
#include "kmsg/uevent.h"
#include "log_notes.h"
#include "modes.h"
#include "process_life.h"
#include "sinks/file_sink.h"
#include "sinks/journal_sink.h"
#include "sinks/queued_sink.h"
#include "sinks/syslog_sink.h"
#include "symbols/kaslr.h"
#include "symbols/symbol_loading.h"
#include "util/host.h"

namespace klogd {
namespace {

namespace asio = boost::asio;

// syslog(2)'s actions (klogctl), as the kernel numbers them (linux/syslog.h).
constexpr int kSyslogActionRead = 2;     // wait for and consume the log
constexpr int kSyslogActionReadAll = 3;  // read what the ring holds, without consuming it

class Daemon {
 public:
  explicit Daemon(const Options& o) : o_(o), paths_(kernel_paths(o)) {}
  int run();

 private:
  bool setup_symbols();
  void wait_readable();
  void drain();
  void deliver();
  void on_signal(int signo);
  void reload(bool all);
  void shutdown();
  void final_drain(std::chrono::steady_clock::time_point deadline);
  void notify_status();
  void listen_uevents();
  void drain_text();
  void take_text(std::string_view chunk);
  void start_syscall_reader();
  void tick();

  const Options& o_;
  const KernelPaths paths_;
  asio::io_context io_;
  asio::posix::stream_descriptor kmsg_{io_};
  asio::signal_set signals_{io_};
  asio::generic::raw_protocol::socket uevents_{io_};
  std::array<char, 8192> uevent_buffer_{};
  asio::steady_timer timer_{io_};
  std::chrono::steady_clock::time_point last_miss_reload_{};
  uint64_t misses_seen_ = 0;
  uint64_t watchdog_usec_ = 0;
  PidFile pid_file_;
  SeqnumState state_;
  bool use_state_ = false;
  std::string text_carry_;  // /proc/kmsg, syslog(2): a line not finished yet
  uint64_t text_seq_ = 0;
  std::thread syscall_reader_;
  KmsgReader reader_;
  Symbolizer symbolizer_;
  std::unique_ptr<Annotator> annotator_;
  std::unique_ptr<RecordProcessor> processor_;
  std::vector<std::unique_ptr<QueuedSink>> sinks_;
  asio::steady_timer retry_{io_};
  bool retry_armed_ = false;
  bool make_sinks(std::string* err);
  std::vector<FinishedRecord> batch_;
  bool suspended_ = false;
  bool stopping_ = false;
  bool reloading_ = false;
  enum class Reload { kNone, kModules, kAll };  // a reload asked for while one runs
  Reload pending_reload_ = Reload::kNone;
  std::thread reloader_;
  uint64_t malformed_logged_ = 0;
};

bool Daemon::setup_symbols() {
  if (o_.no_translate) {
    spdlog::info("symbols: translation off (-x)");
    return true;
  }
  MapSelection sel;
  std::string err;
  Notes notes;
  bool selected = select_map(map_search_options(symbol_options(o_), &notes), &sel, &err);
  log_notes(notes);
  if (!selected) {
    spdlog::error("map: {}", err);
    return false;
  }
  for (const auto& c : sel.candidates)
    spdlog::log(c.exists ? spdlog::level::info : spdlog::level::debug, "map candidate {}: {}",
                c.path, c.verdict);
  if (sel.table) {
    spdlog::info("map: using {} ({}), {} symbols, slide {}, {:.1f} ms", sel.chosen,
                 to_string(sel.trust), sel.table->size(),
                 sel.slide ? std::to_string(*sel.slide) : "unknown", sel.check_ms);
    if (!sel.slide) spdlog::warn("map: {}", sel.slide_source);
  } else {
    spdlog::warn(
        "map: no usable System.map and kallsyms unavailable ({}): core kernel addresses "
        "stay untranslated",
        sel.kallsyms_note);
  }
  symbolizer_.set_core(sel.core());
  std::string module_lines;
  if (sel.kallsyms) module_lines = sel.kallsyms->module_lines();
  Notes module_notes;
  symbolizer_.set_modules(
      load_modules(paths_, &module_notes, sel.kallsyms ? &module_lines : nullptr));
  log_notes(module_notes);
  return true;
}

void Daemon::reload(bool all) {
  if (o_.no_translate) return;
  if (reloading_) {
    pending_reload_ = std::max(pending_reload_, all ? Reload::kAll : Reload::kModules);
    return;
  }
  reloading_ = true;
  if (reloader_.joinable()) reloader_.join();
  reloader_ = std::thread([this, all] {
    std::optional<MapSelection> sel;
    if (all) {
      MapSelection s;
      std::string err;
      Notes ignored;
      if (select_map(map_search_options(symbol_options(o_), &ignored), &s, &err))
        sel = std::move(s);
      else
        spdlog::error("reload: map: {}", err);
    }
    Notes quiet;
    auto modules = load_modules(paths_, &quiet);
    asio::post(io_, [this, all, sel = std::move(sel), modules]() mutable {
      if (sel) symbolizer_.set_core(sel->core());
      symbolizer_.set_modules(modules);
      spdlog::info("reload: {} ({} modules, {} module symbols)",
                   all ? "static map and modules reloaded" : "modules reloaded",
                   modules->report().modules, modules->report().symbols);
      reloading_ = false;
      if (pending_reload_ != Reload::kNone) {
        bool next_all = pending_reload_ == Reload::kAll;
        pending_reload_ = Reload::kNone;
        reload(next_all);
      }
    });
  });
}

void Daemon::wait_readable() {
  if (suspended_ || stopping_) return;
  kmsg_.async_wait(asio::posix::stream_descriptor::wait_read, [this](boost::system::error_code ec) {
    if (ec) return;
    drain();
  });
}

// /proc/kmsg and syslog(2) give "<PRIO>[ts] text" lines, not records.
void Daemon::take_text(std::string_view chunk) {
  text_carry_.append(chunk);
  size_t start = 0, nl;
  while ((nl = text_carry_.find('\n', start)) != std::string::npos) {
    KmsgRecord r;
    parse_text_line(std::string_view(text_carry_).substr(start, nl - start), text_seq_++, &r);
    processor_->finish(std::move(r), &batch_);
    start = nl + 1;
  }
  text_carry_.erase(0, start);
}

void Daemon::drain_text() {
  char buf[16384];
  for (;;) {
    ssize_t n = ::read(kmsg_.native_handle(), buf, sizeof buf);
    if (n > 0) {
      take_text(std::string_view(buf, static_cast<size_t>(n)));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    deliver();
    if (n < 0 && errno == EAGAIN && !o_.one_shot) {
      wait_readable();
      return;
    }
    if (n < 0 && errno != EAGAIN) spdlog::error("{}: {}", o_.kmsg_path, std::strerror(errno));
    shutdown();
    return;
  }
}

void Daemon::start_syscall_reader() {
  // syslog(2) SYSLOG_ACTION_READ blocks until there is something and is destructive, as klogd
  // -s was; it runs on its own thread and hands text to the loop. One-shot uses READ_ALL.
  if (o_.one_shot) {
    std::string buf(1 << 20, '\0');
    int n = ::klogctl(kSyslogActionReadAll, buf.data(), static_cast<int>(buf.size()));
    if (n < 0) {
      spdlog::error("syslog(2): {}", std::strerror(errno));
    } else {
      take_text(std::string_view(buf.data(), static_cast<size_t>(n)));
    }
    deliver();
    shutdown();
    return;
  }
  syscall_reader_ = std::thread([this] {
    char buf[16384];
    for (;;) {
      int n = ::klogctl(kSyslogActionRead, buf, sizeof buf);
      if (n < 0) {
        if (errno == EINTR) continue;
        int e = errno;
        asio::post(io_, [e] { spdlog::error("syslog(2): {}", std::strerror(e)); });
        return;
      }
      std::string chunk(buf, static_cast<size_t>(n));
      asio::post(io_, [this, chunk = std::move(chunk)] {
        if (suspended_ || stopping_) return;  // klogd -s while suspended: the text is gone
        take_text(chunk);
        deliver();
      });
    }
  });
  syscall_reader_.detach();
}

void Daemon::drain() {
  if (o_.source == Source::kProc) return drain_text();
  std::string err;
  for (int budget = 0; budget < 4096 && !suspended_; ++budget) {
    KmsgReader::Result r = reader_.read(&err);
    if (r == KmsgReader::Result::kRecord) {
      std::string_view raw = reader_.record();
      if (o_.paranoid && (raw.find("Oops:") != std::string_view::npos ||
                          raw.find("BUG:") != std::string_view::npos)) {
        // klogd -p: fresh module symbols before an oops is translated (synchronous here).
        Notes quiet;
        symbolizer_.set_modules(load_modules(paths_, &quiet));
      }
      if (!symbolizer_.core().slide_known && symbolizer_.core().table &&
          raw.find("Kernel Offset: ") != std::string_view::npos) {
        // kallsyms hidden: the kernel's own panic line gives the slide (x86_64, arm64).
        KmsgRecord rec;
        if (parse_kmsg_record(raw, &rec) == ParseError::kOk) {
          if (auto slide = parse_kernel_offset_line(rec.text)) {
            CoreSymbols core = symbolizer_.core();
            core.slide = *slide;
            core.slide_known = true;
            symbolizer_.set_core(core);
            spdlog::info("map: slide {} from the log's Kernel Offset line", *slide);
          }
        }
      }
      ParseError pe = processor_->process(raw, &batch_);
      if (pe != ParseError::kOk && malformed_logged_++ < 10)
        spdlog::warn("malformed record skipped: {}", to_string(pe));
      if (processor_->counters().module_misses != misses_seen_) {
        // A module-area address nothing knows: the module tables may be stale. At most once a
        // second, off the hot path.
        misses_seen_ = processor_->counters().module_misses;
        auto now = std::chrono::steady_clock::now();
        if (now - last_miss_reload_ >= std::chrono::seconds(1)) {
          last_miss_reload_ = now;
          spdlog::debug("unresolved module address: reloading module symbols");
          reload(false);
        }
      }
      continue;
    }
    if (r == KmsgReader::Result::kOverrun) continue;  // the sequence gap tells how many
    if (r == KmsgReader::Result::kAgain || r == KmsgReader::Result::kEof) {
      deliver();
      if (o_.one_shot || r == KmsgReader::Result::kEof) {
        shutdown();
        return;
      }
      wait_readable();
      return;
    }
    spdlog::error("{}", err);
    deliver();
    shutdown();
    return;
  }
  deliver();
  asio::post(io_, [this] { drain(); });  // let signals in between large bursts
}

void Daemon::deliver() {
  std::string err;
  for (auto& r : batch_) {
    auto shared = std::make_shared<const FinishedRecord>(std::move(r));
    for (auto& q : sinks_) q->push(shared);
  }
  batch_.clear();
  bool pending = false, busy_only = true;
  for (auto& q : sinks_) {
    bool was_down = q->down();
    if (!q->drain(&err)) {
      pending = true;
      busy_only = busy_only && q->sink().busy();
      if (!was_down && !q->sink().busy())
        spdlog::warn("{} unavailable ({}): queueing records (up to {} bytes)", q->sink().describe(),
                     err, o_.queue_max);
    } else if (was_down) {
      spdlog::info("{} is back: queue drained", q->sink().describe());
    }
  }
  if (pending && !retry_armed_ && !stopping_) {
    retry_armed_ = true;
    // A full socket queue drains in milliseconds; a missing server takes longer to come back.
    retry_.expires_after(std::chrono::milliseconds(busy_only ? 5 : 500));
    retry_.async_wait([this](boost::system::error_code ec) {
      retry_armed_ = false;
      if (!ec) deliver();
    });
  }
  if (!use_state_ || !processor_->expected_seq()) return;
  // The restart point: the oldest record some sink still holds, else the next to read.
  uint64_t next = *processor_->expected_seq();
  for (auto& q : sinks_)
    if (auto first = q->first_kernel_seq()) next = std::min(next, *first);
  if (!state_.save(next, &err)) spdlog::warn("{}", err);
}

bool Daemon::make_sinks(std::string* err) {
  enum class Kind { kFile, kStdout, kSyslog, kJournald } kind = Kind::kFile;
  switch (o_.sink) {
    case SinkChoice::kJournald:
      kind = Kind::kJournald;
      break;
    case SinkChoice::kSyslog:
      kind = Kind::kSyslog;
      break;
    case SinkChoice::kStdout:
      kind = Kind::kStdout;
      break;
    case SinkChoice::kAuto: {
      struct stat st {};
      std::string why;
      if (::stat(o_.journal_socket.c_str(), &st) == 0) {
        kind = Kind::kJournald;
        why = "journald (auto: " + o_.journal_socket + " exists)";
      } else if (::stat(o_.syslog_socket.c_str(), &st) == 0) {
        kind = Kind::kSyslog;
        why = "syslog (auto: " + o_.syslog_socket + " exists, no journald)";
      } else {
        kind = Kind::kStdout;
        why = "stdout (auto: neither journald nor " + o_.syslog_socket + " found)";
      }
      if (o_.output_file.empty()) spdlog::info("sink: {}", why);
      break;
    }
  }
  if (!o_.output_file.empty()) kind = Kind::kFile;
  std::unique_ptr<Sink> sink;
  if (kind == Kind::kFile || kind == Kind::kStdout) {
    FileSinkOptions fo;
    fo.path = kind == Kind::kStdout ? "-" : o_.output_file;
    fo.twice = o_.twice;
    fo.fsync = o_.fsync;
    auto file = std::make_unique<FileSink>(fo);
    if (!file->open(err)) return false;
    sink = std::move(file);
  } else if (kind == Kind::kSyslog) {
    SyslogSinkOptions so;
    so.socket_path = o_.syslog_socket;
    so.rfc5424 = o_.syslog_format == SyslogFormat::kRfc5424;
    sink = std::make_unique<SyslogSink>(so);
  } else {
    sink = std::make_unique<JournalSink>(o_.journal_socket);
  }
  spdlog::info("output: {}", sink->describe());
  sinks_.push_back(std::make_unique<QueuedSink>(std::move(sink), o_.queue_max));

  // Collectors: extra sinks beside the local one, each behind its own queue.
  Rfc5424Options format;
  format.hostname = o_.hostname.empty() ? host_name() : o_.hostname;
  format.boot_id = read_boot_id(paths_.boot_id);
  format.bom = true;
  format.sd_id = o_.sd_id;
  std::set<std::string> queue_dirs;
  for (const std::string& url : o_.forward) {
    ForwardSinkOptions fo;
    if (!parse_forward_url(url, &fo.target, err)) return false;
    fo.format = format;
    fo.tls = {o_.tls_ca, o_.tls_cert, o_.tls_key, o_.tls_name};
    fo.queue.dir = o_.forward_queue_dir + "/" + queue_dir_name(fo.target);
    if (!queue_dirs.insert(fo.queue.dir).second) {
      *err = "--forward " + url + ": the same target given twice";
      return false;
    }
    fo.queue.max_bytes = o_.forward_queue_max;
    fo.log = [](Note::Level level, const std::string& msg) {
      Notes n;
      n.add(level, msg);
      log_notes(n);
    };
    auto f = std::make_unique<ForwardSink>(std::move(fo));
    if (!f->start(err)) return false;
    spdlog::info("output: {}", f->describe());
    sinks_.push_back(std::make_unique<QueuedSink>(std::move(f), o_.queue_max));
  }
  return true;
}

void Daemon::notify_status() {
  const auto& c = processor_->counters();
  sd_notifyf(
      0, "STATUS=records %llu, translated %llu, missed %llu, malformed %llu",
      static_cast<unsigned long long>(c.records), static_cast<unsigned long long>(c.translated),
      static_cast<unsigned long long>(c.missed), static_cast<unsigned long long>(c.malformed));
}

void Daemon::listen_uevents() {
  uevents_.async_receive(
      asio::buffer(uevent_buffer_), [this](boost::system::error_code ec, size_t n) {
        if (ec) return;
        Uevent e;
        if (parse_uevent(std::string_view(uevent_buffer_.data(), n), &e) && is_module_change(e)) {
          spdlog::info("uevent: module {} {}: reloading module symbols",
                       e.devpath.substr(e.devpath.rfind('/') + 1),
                       e.action == "add" ? "loaded" : "unloaded");
          reload(false);
        }
        listen_uevents();
      });
}

void Daemon::tick() {
  // STATUS= every few seconds, WATCHDOG=1 at half the watchdog interval.
  std::chrono::microseconds period = std::chrono::seconds(5);
  if (watchdog_usec_) period = std::min(period, std::chrono::microseconds(watchdog_usec_ / 2));
  timer_.expires_after(period);
  timer_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;
    notify_status();
    if (watchdog_usec_) sd_notify(0, "WATCHDOG=1");
    tick();
  });
}

void Daemon::shutdown() {
  if (stopping_) return;
  stopping_ = true;
  signals_.cancel();
  boost::system::error_code ec;
  kmsg_.cancel(ec);
  uevents_.close(ec);
  timer_.cancel();
  retry_.cancel();
  final_drain(std::chrono::steady_clock::now() + std::chrono::seconds(5));
}

// Exit writes out what is queued: retried for a bounded time while a sink is busy or down.
void Daemon::final_drain(std::chrono::steady_clock::time_point deadline) {
  deliver();
  bool pending = false;
  for (auto& q : sinks_) pending = pending || q->queued() > 0 || q->sink().pending() > 0;
  if (pending && std::chrono::steady_clock::now() < deadline) {
    retry_.expires_after(std::chrono::milliseconds(5));
    retry_.async_wait([this, deadline](boost::system::error_code) { final_drain(deadline); });
    return;
  }
  for (auto& q : sinks_)
    if (q->queued())
      spdlog::error("{}: {} records could not be delivered before exit", q->sink().describe(),
                    q->queued());
  io_.stop();
}

void Daemon::on_signal(int signo) {
  switch (signo) {
    case SIGTERM:
    case SIGINT:
      spdlog::info("signal {}: exiting", signo);
      shutdown();
      return;
    case SIGHUP: {
      std::string err;
      for (auto& q : sinks_)
        if (!q->sink().reopen(&err)) spdlog::error("{}: reopen: {}", q->sink().describe(), err);
      spdlog::info("SIGHUP: output reopened");
      break;
    }
    case SIGUSR1:
      reload(false);
      break;
    case SIGUSR2:
      reload(true);
      break;
    case SIGTSTP:
      spdlog::info("SIGTSTP: logging suspended");
      suspended_ = true;
      break;
    case SIGCONT:
      if (suspended_) {
        spdlog::info("SIGCONT: logging resumed");
        suspended_ = false;
        asio::post(io_, [this] { drain(); });
      }
      break;
  }
  signals_.async_wait([this](boost::system::error_code ec, int s) {
    if (!ec) on_signal(s);
  });
}

int Daemon::run() {
  std::string err;
  std::string source_path = o_.source == Source::kProc ? paths_.proc_kmsg : paths_.kmsg;
  if (o_.source != Source::kSyscall && !reader_.open(source_path, &err)) {
    spdlog::error("{}", err);
    return 1;
  }
  // The pid file first: a second instance is refused before it loads anything.
  if (!o_.one_shot && !pid_file_.acquire(o_.pid_file, &err)) {
    spdlog::error("{}", err);
    return 1;
  }
  if (!setup_symbols()) return 1;
  annotator_ = std::make_unique<Annotator>(&symbolizer_, annotator_options(o_));
  processor_ = std::make_unique<RecordProcessor>(annotator_.get());
  if (o_.start == StartAt::kEnd && o_.source == Source::kKmsg) {
    // Skip what the ring holds now, remembering the last sequence number.
    std::optional<uint64_t> last;
    for (;;) {
      KmsgReader::Result r = reader_.read(&err);
      if (r == KmsgReader::Result::kOverrun) continue;
      if (r != KmsgReader::Result::kRecord) break;
      KmsgRecord rec;
      if (parse_kmsg_record(reader_.record(), &rec) == ParseError::kOk) last = rec.seq;
    }
    if (last) processor_->set_expected_seq(*last + 1);
  }
  // Restart continuity: only for the daemon reading /dev/kmsg from the oldest record.
  if (!o_.one_shot && o_.source == Source::kKmsg && o_.start == StartAt::kOldest &&
      o_.state_file != "none" && !o_.state_file.empty()) {
    std::string boot_id = read_boot_id(paths_.boot_id);
    std::string dir = o_.state_file.substr(0, o_.state_file.rfind('/'));
    if (!dir.empty()) ::mkdir(dir.c_str(), 0755);
    if (boot_id.empty()) {
      spdlog::warn("no boot id: restart continuity off");
    } else if (!state_.open(o_.state_file, boot_id, &err)) {
      spdlog::warn("{}: restart continuity off", err);
    } else {
      use_state_ = true;
      spdlog::info("{}: {}", o_.state_file, state_.note());
      if (state_.resume_seq()) processor_->resume_at(*state_.resume_seq());
    }
  }

  if (!make_sinks(&err)) {
    spdlog::error("{}", err);
    return 1;
  }
  bool stdout_output =
      o_.output_file == "-" || (o_.output_file.empty() && o_.sink == SinkChoice::kStdout);
  if (o_.console_level && !set_console_level(*o_.console_level, &err)) spdlog::error("{}", err);
  if (!o_.one_shot) {
    if (!o_.no_fork) {
      // Diagnostics go to syslog once stderr is gone.
      daemonize(stdout_output);
      auto logger = spdlog::syslog_logger_mt("klogd-syslog", "klogd", LOG_PID, LOG_DAEMON);
      logger->set_level(spdlog::default_logger()->level());
      spdlog::set_default_logger(logger);
    }
    pid_file_.update();  // the pid after the fork
    if (!o_.user.empty()) {
      if (!drop_to_user(o_.user, &err)) {
        spdlog::error("{}", err);
        return 1;
      }
      spdlog::info("running as {} with CAP_SYSLOG only", o_.user);
    }
    // Module loads and unloads, announced by the kernel (no polling).
    boost::system::error_code ec;
    uevents_.open(asio::generic::raw_protocol(AF_NETLINK, NETLINK_KOBJECT_UEVENT), ec);
    sockaddr_nl nl{};
    nl.nl_family = AF_NETLINK;
    nl.nl_groups = 1;
    if (!ec) uevents_.bind(asio::generic::raw_protocol::endpoint(&nl, sizeof nl), ec);
    if (ec) {
      spdlog::warn("uevents: {}: module changes are noticed only on a lookup miss or a signal",
                   ec.message());
    } else if (!o_.no_translate) {
      listen_uevents();
    }
    if (sd_watchdog_enabled(0, &watchdog_usec_) <= 0) watchdog_usec_ = 0;
    tick();
  }
  for (int s : {SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGUSR2, SIGTSTP, SIGCONT}) signals_.add(s);
  signals_.async_wait([this](boost::system::error_code ec, int s) {
    if (!ec) on_signal(s);
  });
  if (o_.source == Source::kSyscall) {
    asio::post(io_, [this] {
      start_syscall_reader();
      sd_notify(0, "READY=1");
    });
  } else {
    kmsg_.assign(reader_.release());
    reader_.adopt(kmsg_.native_handle());
    asio::post(io_, [this] {
      drain();
      sd_notify(0, "READY=1");
    });
  }
  spdlog::debug("source: {}", o_.source == Source::kSyscall ? "syslog(2)" : source_path);
  io_.run();
  if (reloader_.joinable()) reloader_.join();
  if (o_.source != Source::kSyscall) reader_.release();  // the stream_descriptor closes it
  notify_status();
  const auto& c = processor_->counters();
  spdlog::debug("records {}, translated {}, missed {}, malformed {}, skipped {}", c.records,
                c.translated, c.missed, c.malformed, c.skipped);
  if (c.skipped) spdlog::info("skipped {} records forwarded before the restart", c.skipped);
  return 0;
}

}  // namespace

int run_daemon(const Options& o) {
  Daemon d(o);
  return d.run();
}

}  // namespace klogd
