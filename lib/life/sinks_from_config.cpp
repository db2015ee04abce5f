#include "life/sinks_from_config.h"

#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <memory>

#include "life/diagnostics.h"
#include "forward/forward_sink.h"
#include "sinks/auto_sink.h"
#include "sinks/file_sink.h"
#include "sinks/journal_sink.h"
#include "sinks/syslog_sink.h"
#include "util/host.h"

namespace klogd {
namespace {

bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

// The local sink: -f FILE, else what --sink names; auto takes journald when its socket exists,
// else syslog when /dev/log exists, else stdout in the foreground and, in the background, a sink
// that waits for either to appear.
std::unique_ptr<Sink> local_sink(const SinksConfig& o, bool forking, std::string* err) {
  SyslogSinkOptions so;
  so.socket_path = o.syslog_socket;
  so.rfc5424 = o.syslog_format == SyslogFormat::kRfc5424;
  SinkChoice choice = o.sink;
  if (!o.output_file && choice == SinkChoice::kAuto) {
    if (exists(o.journal_socket)) {
      choice = SinkChoice::kJournald;
      spdlog::info("sink: journald (auto: {} exists)", o.journal_socket);
    } else if (exists(o.syslog_socket)) {
      choice = SinkChoice::kSyslog;
      spdlog::info("sink: syslog (auto: {} exists, no journald)", o.syslog_socket);
    } else if (forking) {
      spdlog::warn(
          "sink: neither journald ({}) nor syslog ({}) is there yet: records wait, up to {} "
          "bytes, until one appears (auto)",
          o.journal_socket, o.syslog_socket, o.queue_max);
      return std::make_unique<AutoSink>(so, o.journal_socket);
    } else {
      choice = SinkChoice::kStdout;
      spdlog::info("sink: stdout (auto: neither journald nor {} found)", o.syslog_socket);
    }
  }
  if (o.output_file || choice == SinkChoice::kStdout) {
    FileSinkOptions fo;
    fo.path = o.output_file.value_or("-");
    fo.twice = o.twice;
    fo.fsync = o.fsync;
    auto file = std::make_unique<FileSink>(fo);
    if (!file->open(err)) return nullptr;
    return file;
  }
  if (choice == SinkChoice::kSyslog) return std::make_unique<SyslogSink>(so);
  return std::make_unique<JournalSink>(o.journal_socket);
}

}  // namespace

bool make_sinks(const SinksConfig& o, const KernelPaths& paths, bool forking, SinkSet* sinks,
                std::vector<std::string>* queue_dirs, std::string* err) {
  std::unique_ptr<Sink> local = local_sink(o, forking, err);
  if (!local) return false;
  spdlog::info("output: {}", local->describe());
  sinks->add(std::move(local), o.queue_max);

  // Collectors: extra sinks beside the local one, each behind its own queue.
  Rfc5424Options format;
  format.hostname = o.hostname ? *o.hostname : host_name();
  format.boot_id = read_boot_id(paths.boot_id);
  format.bom = true;
  format.sd_id = o.sd_id;
  for (const ForwardTarget& target : o.forward) {
    ForwardSinkOptions fo;
    fo.target = target;
    fo.format = format;
    fo.tls = o.tls;
    fo.queue.dir = o.forward_queue_dir + "/" + queue_dir_name(fo.target);
    fo.queue.max_bytes = o.forward_queue_max;
    fo.queue.fsync = o.forward_fsync;
    queue_dirs->push_back(fo.queue.dir);
    fo.log = [](Note::Level level, const std::string& msg) {
      Notes n;
      n.add(level, msg);
      log_notes(n);
    };
    auto f = std::make_unique<ForwardSink>(std::move(fo));
    if (!f->check(err)) return false;
    spdlog::info("output: {}", f->describe());
    sinks->add(std::move(f), o.queue_max);
  }
  return true;
}

}  // namespace klogd
