#pragma once
/// klogd's options as the user wrote them: the command line and klogd.conf, read by
/// daemon/options.cpp (Boost.Program_options), each option once, the command line winning. Only
/// their syntax is known here (a number is a number); what they mean together, and every rule
/// that refuses a combination, is make_config's (life/config.h). sysklogd klogd 1.5's short
/// options keep their meaning.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "life/incidents_query.h"

namespace klogd {

struct Options {
  // sysklogd klogd 1.5
  std::optional<int> console_level;  ///< -c N
  bool debug = false;                ///< -d
  std::string output_file;           ///< -f FILE ("-" = stdout)
  bool signal_usr1 = false;          ///< -i
  bool signal_usr2 = false;          ///< -I
  std::string map_file;              ///< -k FILE
  bool no_fork = false;              ///< -n
  bool one_shot = false;             ///< -o
  bool paranoid = false;             ///< -p
  bool use_syscall = false;          ///< -s
  bool version = false;              ///< -v
  bool no_translate = false;         ///< -x
  bool twice = false;                ///< -2

  // new; the choices as written ("klogd", "keep", ...)
  std::string style = "klogd";
  bool registers = true;
  bool hide_addresses = false;
  std::string kmsg_path = "/dev/kmsg";
  std::string source = "kmsg";
  std::string start = "oldest";
  std::string kallsyms_file;  ///< "": /proc/kallsyms (daemon), none (decode)
  std::string modules_file;   ///< "": /proc/modules (daemon), none (decode)
  bool force_map = false;
  std::string kaslr_offset;  ///< hex, "" when not given
  bool check_map = false;
  std::string decode_file;
  std::vector<std::string> debuginfo;  ///< files, folders, or "none"
  std::string release;
  bool source_lines = false;
  unsigned debuginfo_idle = 300;
  std::string debuginfod;  ///< URLs, "none", or "" ($DEBUGINFOD_URLS)
  bool json = false;
  bool incidents = false;
  bool incident_records = true;
  unsigned incident_window = 600;
  std::string maintainers;     ///< MAINTAINERS, "none", or "" (the running release's source tree)
  std::string metrics_listen;  ///< ADDR:PORT, "" when off
  std::string metrics_file;
  unsigned metrics_interval = 15;
  std::string pid_file = "/run/klogd.pid";
  bool fsync = false;
  std::string sink = "auto";
  std::string syslog_socket = "/dev/log";
  std::string syslog_format = "rfc3164";
  std::string journal_socket = "/run/systemd/journal/socket";
  size_t queue_max = 8u << 20;
  std::vector<std::string> forward;  ///< URLs
  size_t forward_queue_max = 64u << 20;
  bool forward_fsync = false;
  std::string forward_queue_dir = "/var/lib/klogd/forward";
  std::string tls_ca, tls_cert, tls_key, tls_name;
  std::string sd_id = "kmsg@32473";
  std::string hostname;
  std::string user;
  std::string state_file = "/run/klogd/kmsg-seqnum";         ///< or "none"
  std::vector<std::string> pstore;                           ///< folders, or "none"
  std::string pstore_state = "/var/lib/klogd/pstore-state";  ///< or "none"
  bool pstore_unlink = false;
  std::string hand_over_pstore;  ///< DIR: the root helper's mode
  int reader_priority = 0;
  std::optional<IncidentsQuery> incidents_query;  ///< klogd incidents ...
};

}  // namespace klogd
