#pragma once
/// What klogd was asked to do, as typed values, made once from the options (make_config) and
/// only read afterwards: every later step takes its decisions from here. What is off is absent
/// (an empty optional), never a "none" string; facts derived from several options (forking, the
/// restart point in use, the harvest, the release for source lines) are computed here, once, and
/// every rule that refuses a combination is here, each with a unit test (tests/life/config_test).

#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "annotate/annotator.h"
#include "forward/forward_target.h"
#include "forward/forward_transport.h"
#include "kmsg/log_source.h"
#include "life/incidents_query.h"
#include "life/options.h"
#include "symbols/symbol_loading.h"
#include "util/kernel_paths.h"

namespace klogd {

enum class Mode { kDaemon, kCheckMap, kDecode, kSignal, kVersion, kHandOverPstore, kIncidents };
enum class Source { kKmsg, kProc, kSyscall };                  ///< --source, -s
enum class SinkChoice { kAuto, kJournald, kSyslog, kStdout };  ///< --sink (-f FILE: a file)
enum class StartAt { kOldest, kEnd };                          ///< --start
enum class SyslogFormat { kRfc3164, kRfc5424 };                ///< --syslog-format

/// Where records go: the local sink and the collectors.
struct SinksConfig {
  std::optional<std::string> output_file;  ///< -f FILE ("-": stdout); else `sink` chooses
  SinkChoice sink = SinkChoice::kAuto;
  std::string syslog_socket = "/dev/log";
  SyslogFormat syslog_format = SyslogFormat::kRfc3164;
  std::string journal_socket = "/run/systemd/journal/socket";
  size_t queue_max = 8u << 20;
  bool fsync = false;
  bool twice = false;  ///< -2
  std::vector<ForwardTarget> forward;
  std::string forward_queue_dir = "/var/lib/klogd/forward";
  size_t forward_queue_max = 64u << 20;
  bool forward_fsync = false;
  TlsOptions tls;
  std::string sd_id = "kmsg@32473";
  std::optional<std::string> hostname;  ///< RFC 5424 HOSTNAME; absent: this host's name
  /// Records go to standard output (-f -, or --sink stdout): a fork keeps stdout open.
  bool to_stdout() const { return output_file ? *output_file == "-" : sink == SinkChoice::kStdout; }
};

/// Source lines from the kernel's debug info (absent: --debuginfo none, or nothing wants them).
struct SourceLinesConfig {
  std::vector<std::string> debuginfo;  ///< files and folders named; empty: the usual places
  /// The release whose debug info is looked for: --release, else (daemon) the running one's;
  /// absent in --decode without --release (the log's own is read then) and in a replay.
  std::optional<std::string> release;
  bool decorate = false;  ///< --source-lines: every frame, not only the incidents' guilty one
  std::chrono::seconds idle{300};
};

/// The previous boot's harvest at start (absent: --pstore none, a replay, -o without --pstore).
struct HarvestConfig {
  std::vector<std::string> paths;         ///< --pstore, else the defaults (pstore/previous_boot.h)
  bool paths_given = false;               ///< named by the user: a missing one is said
  std::optional<std::string> state_file;  ///< --pstore-state; absent: "none"
  bool unlink = false;
};

struct MetricsConfig {
  std::optional<boost::asio::ip::tcp::endpoint> listen;  ///< --metrics-listen
  std::optional<std::string> file;                       ///< --metrics-file
  std::chrono::seconds interval{15};
};

/// debuginfod's servers: libdebuginfod reads them from the environment only.
struct DebuginfodConfig {
  enum class Servers { kEnvironment, kNone, kThese } servers = Servers::kEnvironment;
  std::string urls;  ///< kThese
};

struct Config {
  Mode mode = Mode::kDaemon;
  bool debug = false;
  bool hide_addresses = false;

  // What is read, and the daemon's life.
  Source source = Source::kKmsg;
  StartAt start = StartAt::kOldest;
  KernelPaths paths;  ///< --decode: kallsyms and modules only as named ("" none, not /proc's)
  LogSource::Kind source_kind = LogSource::Kind::kDevice;  ///< with --kmsg FILE: kCapture
  bool replay = false;   ///< --kmsg names a saved capture: replayed to its end, then exit
  bool daemon = false;   ///< the live daemon (not -o, not a replay): pid file, uevents, restarts
  bool forking = false;  ///< daemon without -n
  std::optional<std::string> pid_file;    ///< the daemon's
  std::optional<std::string> state_file;  ///< the restart point, when one is kept
  std::optional<std::string> user;        ///< --user
  int reader_priority = 0;                ///< SCHED_FIFO priority of the reader, 0: normal
  std::optional<int> console_level;       ///< -c

  // Symbols and annotation.
  bool translate = true;  ///< not -x
  bool paranoid = false;  ///< -p
  SymbolOptions symbols;
  AnnotatorOptions annotator;

  SinksConfig sinks;
  bool incident_records = true;
  std::chrono::seconds incident_window{600};
  /// --maintainers: the file named; "" none. The search of the release's source tree
  /// (life/maintainers_file.h) happens only where the mode wants it (--maintainers not given).
  std::string maintainers;
  bool maintainers_search = true;
  std::optional<SourceLinesConfig> source_lines;
  DebuginfodConfig debuginfod;
  std::optional<HarvestConfig> harvest;
  MetricsConfig metrics;

  // --decode, -i/-I
  std::string decode_file;
  bool json = false;
  bool incidents = false;  ///< --decode --incidents
  bool signal_usr2 = false;
  std::string hand_over_dir;  ///< --hand-over-pstore DIR (life/pstore_hand_over.h)
  IncidentsQuery query;       ///< klogd incidents
};

/// Makes the configuration of `o`. False with *err (a usage error: exit 2) when an option's
/// value or a combination cannot be. Reads nothing but what --kmsg is (a device or a capture).
bool make_config(const Options& o, Config* out, std::string* err);

/// libdebuginfod takes its servers from the environment only: sets or clears DEBUGINFOD_URLS as
/// `c` says. The environment is the process's: call it before any thread starts.
void apply_debuginfod_environment(const DebuginfodConfig& c);

}  // namespace klogd
