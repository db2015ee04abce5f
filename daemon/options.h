#pragma once
// klogd's command line and config file. sysklogd klogd 1.5's short options keep their meaning;
// everything new has a long option, and every option can be set in klogd.conf (the command line
// wins).

#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "annotate/annotator.h"
#include "forward/forward_target.h"
#include "symbols/symbol_loading.h"
#include "util/kernel_paths.h"

namespace klogd {

// The choices of the options that take one, parsed once here; nothing else compares option text.
enum class Source { kKmsg, kProc, kSyscall };                  ///< --source, -s
enum class SinkChoice { kAuto, kJournald, kSyslog, kStdout };  ///< --sink (-f FILE: a file)
enum class StartAt { kOldest, kEnd };                          ///< --start
enum class SyslogFormat { kRfc3164, kRfc5424 };                ///< --syslog-format

struct Options {
  // sysklogd klogd 1.5
  std::optional<int> console_level;  // -c N
  bool debug = false;                // -d
  std::string output_file;           // -f FILE ("-" = stdout)
  bool signal_usr1 = false;          // -i
  bool signal_usr2 = false;          // -I
  std::string map_file;              // -k FILE
  bool no_fork = false;              // -n
  bool one_shot = false;             // -o
  bool paranoid = false;             // -p
  bool use_syscall = false;          // -s
  bool version = false;              // -v
  bool no_translate = false;         // -x
  bool twice = false;                // -2

  // new
  std::string config_file = "/etc/klogd.conf";
  bool config_given = false;
  AnnotationStyle style = AnnotationStyle::kKlogd;  // --style klogd | keep (-x: kNone)
  bool registers = true;
  bool hide_addresses = false;
  std::string kmsg_path = "/dev/kmsg";
  Source source = Source::kKmsg;
  StartAt start = StartAt::kOldest;
  std::string kallsyms_file;  // default /proc/kallsyms (daemon), none (decode)
  std::string modules_file;   // default /proc/modules (daemon), none (decode)
  bool force_map = false;
  std::optional<int64_t> kaslr_offset;
  bool check_map = false;
  std::string decode_file;
  std::vector<std::string> debuginfo;  // --debuginfo PATH (repeatable): vmlinux, .ko, a folder
  std::string release;                 // --release R: whose debug info is looked for
  bool source_lines = false;           // --source-lines
  unsigned debuginfo_idle = 300;       // --debuginfo-idle SECONDS
  std::string debuginfod;              // --debuginfod URLS ("none": not even DEBUGINFOD_URLS's)
  bool json = false;
  bool incidents = false;  // --decode --incidents
  bool incident_records = true;
  unsigned incident_window = 600;
  std::optional<boost::asio::ip::tcp::endpoint> metrics_listen;  // --metrics-listen, parsed
  std::string metrics_file;
  unsigned metrics_interval = 15;
  std::string pid_file = "/run/klogd.pid";
  bool fsync = false;
  SinkChoice sink = SinkChoice::kAuto;
  std::string syslog_socket = "/dev/log";
  SyslogFormat syslog_format = SyslogFormat::kRfc3164;
  std::string journal_socket = "/run/systemd/journal/socket";
  size_t queue_max = 8u << 20;
  std::vector<ForwardTarget> forward;  // --forward URL, repeatable; parsed, each target once
  size_t forward_queue_max = 64u << 20;
  bool forward_fsync = false;
  std::string forward_queue_dir = "/var/lib/klogd/forward";
  std::string tls_ca, tls_cert, tls_key, tls_name;
  std::string sd_id = "kmsg@32473";
  std::string hostname;                               // RFC 5424 HOSTNAME (default gethostname)
  std::string user;                                   // drop to this user (keeping CAP_SYSLOG)
  std::string state_file = "/run/klogd/kmsg-seqnum";  // "none" = off
  /// --pstore DIR (repeatable): where the previous boot's crashes are looked for; empty: the
  /// defaults (pstore/previous_boot.h); "none" alone: no harvest.
  std::vector<std::string> pstore;
  std::string pstore_state = "/var/lib/klogd/pstore-state";  // "none" = off
  bool pstore_unlink = false;
  int reader_priority = 0;  // SCHED_FIFO priority of the reading thread (0 = normal)
};

enum class ParseOutcome { kRun, kExitOk, kUsageError };

/// Parses argv and the config file. Prints --help itself; on a usage error fills *err.
ParseOutcome parse_options(int argc, char** argv, Options* out, std::string* err);

/// The kernel files the options name (--kmsg, --kallsyms, --modules), real paths otherwise.
KernelPaths kernel_paths(const Options& o);
/// Where the daemon's symbols come from (-k, --force-map, --kaslr-offset, the kernel files).
SymbolOptions symbol_options(const Options& o);
/// The annotation settings the options ask for (daemon and --decode alike).
AnnotatorOptions annotator_options(const Options& o);

}  // namespace klogd
