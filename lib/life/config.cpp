#include "life/config.h"

#include <algorithm>
#include <cstdlib>

#include "metrics/metrics_server.h"
#include "pstore/previous_boot.h"

namespace klogd {
namespace {

// One of `choices` by name; otherwise "--NAME: must be a, b or c, not VALUE".
template <typename E>
bool parse_choice(const char* name, const std::string& value,
                  std::initializer_list<std::pair<const char*, E>> choices, E* out,
                  std::string* err) {
  std::string names;
  size_t i = 0;
  for (const auto& [text, e] : choices) {
    if (value == text) {
      *out = e;
      return true;
    }
    names += (i == 0 ? "" : i + 1 == choices.size() ? " or " : ", ") + std::string(text);
    ++i;
  }
  *err = std::string("--") + name + ": must be " + names + ", not " + value;
  return false;
}

bool parse_offset(const std::string& s, int64_t* out) {
  const bool neg = !s.empty() && s[0] == '-';
  const std::string body = neg ? s.substr(1) : s;
  if (body.empty() || body.size() > 18) return false;
  char* end = nullptr;
  const unsigned long long v = std::strtoull(body.c_str(), &end, 16);
  if (*end != '\0' || body.find_first_of(" +-") != std::string::npos) return false;
  *out = neg ? -static_cast<int64_t>(v) : static_cast<int64_t>(v);
  return true;
}

// RFC 5424: 1-`max` PRINTUSASCII, none of `not_in`.
bool printusascii(const std::string& v, size_t max, std::string_view not_in) {
  if (v.empty() || v.size() > max) return false;
  for (char c : v)
    if (c < 33 || c > 126 || not_in.find(c) != std::string_view::npos) return false;
  return true;
}

bool only_none(const std::vector<std::string>& v) { return v.size() == 1 && v[0] == "none"; }
bool has_none(const std::vector<std::string>& v) {
  return std::find(v.begin(), v.end(), "none") != v.end();
}

Mode mode_of(const Options& o) {
  if (o.version) return Mode::kVersion;
  if (o.incidents_query) return Mode::kIncidents;
  if (o.check_map) return Mode::kCheckMap;
  if (!o.decode_file.empty()) return Mode::kDecode;
  if (!o.hand_over_pstore.empty()) return Mode::kHandOverPstore;
  if (o.signal_usr1 || o.signal_usr2) return Mode::kSignal;
  return Mode::kDaemon;
}

// The values that are numbers or choices.
bool read_values(const Options& o, Config* c, std::string* err) {
  if (o.console_level) {
    if (*o.console_level < 1 || *o.console_level > 8) {
      *err = "-c: console log level must be 1-8, not " + std::to_string(*o.console_level);
      return false;
    }
    c->console_level = o.console_level;
  }
  if (!o.kaslr_offset.empty()) {
    int64_t v = 0;
    if (!parse_offset(o.kaslr_offset, &v)) {
      *err = "--kaslr-offset: not a hex number: " + o.kaslr_offset;
      return false;
    }
    c->symbols.kaslr_offset = v;
  }
  using S = AnnotationStyle;
  AnnotationStyle style = S::kKlogd;
  if (!parse_choice("style", o.style, {{"klogd", S::kKlogd}, {"keep", S::kKeep}}, &style, err) ||
      !parse_choice(
          "source", o.source,
          {{"kmsg", Source::kKmsg}, {"proc", Source::kProc}, {"syscall", Source::kSyscall}},
          &c->source, err) ||
      !parse_choice("sink", o.sink,
                    {{"auto", SinkChoice::kAuto},
                     {"journald", SinkChoice::kJournald},
                     {"syslog", SinkChoice::kSyslog},
                     {"stdout", SinkChoice::kStdout}},
                    &c->sinks.sink, err) ||
      !parse_choice("syslog-format", o.syslog_format,
                    {{"rfc3164", SyslogFormat::kRfc3164}, {"rfc5424", SyslogFormat::kRfc5424}},
                    &c->sinks.syslog_format, err) ||
      !parse_choice("start", o.start, {{"oldest", StartAt::kOldest}, {"end", StartAt::kEnd}},
                    &c->start, err))
    return false;
  if (o.use_syscall) c->source = Source::kSyscall;
  c->annotator.style = o.no_translate ? S::kNone : style;
  if (o.reader_priority < 0 || o.reader_priority > 99) {
    *err = "--reader-priority: must be 0-99, not " + std::to_string(o.reader_priority);
    return false;
  }
  return true;
}

// --forward, --hostname, --sd-id: every URL parsed now, each target once; RFC 5424's rules on
// HOSTNAME and SD-ID (anything else would break every message sent).
bool read_sinks(const Options& o, SinksConfig* s, std::string* err) {
  if (!o.output_file.empty()) s->output_file = o.output_file;
  s->syslog_socket = o.syslog_socket;
  s->journal_socket = o.journal_socket;
  s->queue_max = o.queue_max;
  s->fsync = o.fsync;
  s->twice = o.twice;
  s->forward_queue_dir = o.forward_queue_dir;
  s->forward_queue_max = o.forward_queue_max;
  s->forward_fsync = o.forward_fsync;
  s->tls = {o.tls_ca, o.tls_cert, o.tls_key, o.tls_name};
  for (const std::string& url : o.forward) {
    ForwardTarget t;
    if (!parse_forward_url(url, &t, err)) return false;
    for (const ForwardTarget& before : s->forward) {
      if (queue_dir_name(before) == queue_dir_name(t)) {
        *err = "--forward " + url + ": the same target given twice";
        return false;
      }
    }
    s->forward.push_back(std::move(t));
  }
  if (!o.hostname.empty()) {
    if (!printusascii(o.hostname, 255, "")) {
      *err = "--hostname '" + o.hostname +
             "': RFC 5424 allows 1-255 printable US-ASCII characters, no spaces";
      return false;
    }
    s->hostname = o.hostname;
  }
  if (!printusascii(o.sd_id, 32, "= ]\"") || o.sd_id.find('@') == 0 ||
      std::count(o.sd_id.begin(), o.sd_id.end(), '@') > 1) {
    *err = "--sd-id '" + o.sd_id +
           "': an RFC 5424 SD-ID is NAME@ENTERPRISE-NUMBER (or an IANA name): 1-32 printable "
           "US-ASCII characters without '=', ' ', ']' or '\"'";
    return false;
  }
  s->sd_id = o.sd_id;
  return true;
}

bool read_metrics(const Options& o, MetricsConfig* m, std::string* err) {
  if (!o.metrics_listen.empty()) {
    boost::asio::ip::tcp::endpoint endpoint;
    if (!parse_listen_address(o.metrics_listen, &endpoint, err)) return false;
    m->listen = endpoint;
  }
  if (!o.metrics_file.empty()) m->file = o.metrics_file;
  if (o.metrics_interval == 0) {
    *err = "--metrics-interval: must be at least 1 second";
    return false;
  }
  m->interval = std::chrono::seconds(o.metrics_interval);
  return true;
}

// Source lines and the previous boot's harvest: "none" turns each off, alone.
bool read_features(const Options& o, Config* c, std::string* err) {
  if (has_none(o.pstore) && o.pstore.size() > 1) {
    *err = "--pstore none: turns the harvest off, and cannot go with a folder";
    return false;
  }
  if (has_none(o.debuginfo) && o.debuginfo.size() > 1) {
    *err = "--debuginfo none: turns source lines off, and cannot go with a file";
    return false;
  }
  if (o.source_lines && only_none(o.debuginfo)) {
    *err = "--source-lines with --debuginfo none: no debug info to take the lines from";
    return false;
  }
  if (o.debuginfo_idle < 1) {
    *err = "--debuginfo-idle: must be at least 1 second";
    return false;
  }
  if (o.debuginfod == "none")
    c->debuginfod.servers = DebuginfodConfig::Servers::kNone;
  else if (!o.debuginfod.empty())
    c->debuginfod = {DebuginfodConfig::Servers::kThese, o.debuginfod};
  // Source lines: --decode's, or the daemon's when incidents or --source-lines want them.
  const bool wanted = c->mode == Mode::kDecode || o.incident_records || o.source_lines;
  if (wanted && !only_none(o.debuginfo)) {
    SourceLinesConfig s;
    s.debuginfo = o.debuginfo;
    s.decorate = o.source_lines;
    s.idle = std::chrono::seconds(o.debuginfo_idle);
    // the kernel whose files are looked for: named, else the running one; a replay's and a
    // saved log's kernel is not this one (--decode reads the log's own)
    if (!o.release.empty())
      s.release = o.release;
    else if (c->mode == Mode::kDaemon && !c->replay)
      s.release = running_release(KernelPaths{});
    c->source_lines = std::move(s);
  }
  // The harvest: the daemon's, or -o's when --pstore names where; never a replay's.
  if (!c->replay && (c->daemon || !o.pstore.empty()) && !only_none(o.pstore)) {
    HarvestConfig h;
    h.paths_given = !o.pstore.empty();
    h.paths = h.paths_given ? o.pstore : default_pstore_paths();
    if (o.pstore_state != "none" && !o.pstore_state.empty()) h.state_file = o.pstore_state;
    h.unlink = o.pstore_unlink;
    c->harvest = std::move(h);
  }
  return true;
}

}  // namespace

bool make_config(const Options& o, Config* out, std::string* err) {
  Config c;
  c.mode = mode_of(o);
  c.debug = o.debug;
  c.hide_addresses = o.hide_addresses;
  if (!read_values(o, &c, err) || !read_sinks(o, &c.sinks, err) ||
      !read_metrics(o, &c.metrics, err))
    return false;

  c.paths.kmsg = o.kmsg_path;
  if (!o.kallsyms_file.empty() || c.mode == Mode::kDecode) c.paths.kallsyms = o.kallsyms_file;
  if (!o.modules_file.empty() || c.mode == Mode::kDecode) c.paths.modules = o.modules_file;
  c.source_kind = c.source == Source::kSyscall ? LogSource::Kind::kSyscall
                  : c.source == Source::kProc  ? LogSource::Kind::kProc
                                               : LogSource::records_at(c.paths.kmsg);
  c.replay = c.source_kind == LogSource::Kind::kCapture;
  c.daemon = c.mode == Mode::kDaemon && !o.one_shot && !c.replay;
  c.forking = c.daemon && !o.no_fork;
  if (c.daemon || c.mode == Mode::kSignal) c.pid_file = o.pid_file;
  if (c.daemon && c.source_kind == LogSource::Kind::kDevice && c.start == StartAt::kOldest &&
      !o.state_file.empty() && o.state_file != "none")
    c.state_file = o.state_file;
  if (!o.user.empty()) c.user = o.user;
  c.reader_priority = o.reader_priority;

  c.translate = !o.no_translate;
  c.paranoid = o.paranoid;
  c.symbols.paths = c.paths;
  c.symbols.map_file = o.map_file;
  c.symbols.force_map = o.force_map;
  c.symbols.hide_slide = o.hide_addresses;
  c.annotator.registers = o.registers;
  c.annotator.hide_addresses = o.hide_addresses;
  c.annotator.kernel_bits = sizeof(long) == 4 ? 32 : 64;  // the running kernel's width, as a rule

  c.incident_records = o.incident_records;
  c.incident_window = std::chrono::seconds(o.incident_window);
  c.maintainers = o.maintainers == "none" ? "" : o.maintainers;
  c.maintainers_search = o.maintainers.empty();
  c.decode_file = o.decode_file;
  c.json = o.json;
  c.incidents = o.incidents;
  c.signal_usr2 = o.signal_usr2;
  if (o.incidents_query) c.query = *o.incidents_query;
  if (c.mode == Mode::kHandOverPstore) {
    if (!o.hand_over_pstore.starts_with('/')) {
      *err = "--hand-over-pstore " + o.hand_over_pstore + ": an absolute folder, please";
      return false;
    }
    c.hand_over_dir = o.hand_over_pstore;
  }
  if (!read_features(o, &c, err)) return false;
  *out = std::move(c);
  return true;
}

void apply_debuginfod_environment(const DebuginfodConfig& c) {
  if (c.servers == DebuginfodConfig::Servers::kNone)
    ::unsetenv("DEBUGINFOD_URLS");
  else if (c.servers == DebuginfodConfig::Servers::kThese)
    ::setenv("DEBUGINFOD_URLS", c.urls.c_str(), 1);
}

}  // namespace klogd
