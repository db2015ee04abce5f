// klogd incidents: what crashed on this host, when, how often, where in the source, and whom
// to tell. Reads klogd's incident records from the journal (or a saved log's crash reports),
// lists them, folds them by fingerprint, or shows one with its report.
#include <pwd.h>
#include <spdlog/spdlog.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <map>

#include "decode/decode_output.h"
#include "decode/saved_log.h"
#include "incidents/incident_record.h"
#include "incidents/incident_source.h"
#include "life/decode_sources.h"
#include "life/incident_listing.h"
#include "life/maintainers_file.h"
#include "life/modes.h"
#include "pstore/pstore_incidents.h"
#include "symbols/kernel_release.h"
#include "util/host.h"
#include "util/text.h"

namespace klogd {
namespace {

constexpr int kFound = 0, kNone = 1, kUsage = 2, kUnreadable = 3;
constexpr size_t kReportRecords = 400;  // how far back `show` looks for an incident's records

struct Listing {
  std::vector<IncidentRow> rows;
  std::string log;                  // --file: the saved log (show prints its lines)
  std::vector<Incident> incidents;  // --file: the same, as the engine found them
};

uint64_t now_usec() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

std::string without_dashes(std::string s) {
  s.erase(std::remove(s.begin(), s.end(), '-'), s.end());
  return s;
}

bool is_boot_id(const std::string& s) {
  if (s.size() != 32) return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// -b: "" (or 0) the current boot, a boot ID, -N back from the last boot, N from the first.
bool resolve_boot(const IncidentsQuery& q, std::string* id, std::string* err) {
  const std::string arg = without_dashes(q.boot.value_or(""));
  if (q.boot->empty() || *q.boot == "0") {
    *id = without_dashes(read_boot_id("/proc/sys/kernel/random/boot_id"));
    return true;
  }
  if (is_boot_id(arg)) {
    *id = arg;
    return true;
  }
  const std::string& b = *q.boot;
  const bool back = b[0] == '-';
  const std::string digits = b.substr(b[0] == '-' || b[0] == '+' ? 1 : 0);
  if (digits.empty() || !std::all_of(digits.begin(), digits.end(), ::isdigit) ||
      digits.size() > 6) {
    *err = "-b " + b + ": not a boot ID nor an offset (0, -1, 2, ...)";
    return false;
  }
  const long n = std::stol(digits);
  std::vector<JournalBoot> boots;
  if (!journal_boots(q.place, &boots, err)) return false;
  std::sort(boots.begin(), boots.end(),
            [](const JournalBoot& a, const JournalBoot& c) { return a.first_usec < c.first_usec; });
  const long index = back ? static_cast<long>(boots.size()) - 1 - n : n - 1;
  if (index < 0 || index >= static_cast<long>(boots.size())) {
    *err = "-b " + b + ": no such boot, the journal holds " + std::to_string(boots.size());
    return false;
  }
  *id = boots[static_cast<size_t>(index)].id;
  return true;
}

int from_journal(const IncidentsQuery& q, Listing* out) {
  if (const std::string why = journal_access(q.place); !why.empty()) {
    spdlog::error(
        "cannot read the journal: {} (root, or a member of group systemd-journal or adm, may)",
        why);
    return kUnreadable;
  }
  JournalRead read;
  read.place = q.place;
  read.matches.push_back(std::string("MESSAGE_ID=") + kIncidentMessageId);
  // Only klogd's own records: any local user can write an entry with that MESSAGE_ID, but not
  // its _UID, which journald sets (root's, or the unit's klogd user's).
  read.matches.push_back("_UID=0");
  if (const passwd* pw = ::getpwnam("klogd"))
    read.matches.push_back("_UID=" + std::to_string(pw->pw_uid));
  std::string err;
  if (q.boot) {
    std::string id;
    if (!resolve_boot(q, &id, &err)) {
      spdlog::error("{}", err);
      return kNone;
    }
    read.matches.push_back("_BOOT_ID=" + id);
  }
  const uint64_t now = now_usec();
  if (!q.since.empty() && !parse_time_spec(q.since, now, &read.since_usec, &err)) {
    spdlog::error("--since {}", err);
    return kUsage;
  }
  if (!q.until.empty() && !parse_time_spec(q.until, now, &read.until_usec, &err)) {
    spdlog::error("--until {}", err);
    return kUsage;
  }
  std::vector<JournalEntry> entries;
  std::vector<std::string> problems;
  if (!read_journal(read, &entries, &problems, &err)) {
    spdlog::error("{}", err);
    return kUnreadable;
  }
  for (const std::string& p : problems) spdlog::warn("{}", p);
  for (const JournalEntry& e : entries) out->rows.push_back(row_of(e));
  return kFound;
}

int from_file(const Config& c, Listing* out) {
  SavedLog saved;
  std::string err;
  if (!read_saved_log(c.query.file, &saved, &err)) {
    spdlog::error("{}", err);
    return kUnreadable;
  }
  Symbolizer none;
  const Annotator annotator(&none, c.annotator);
  if (saved.kind == SavedLog::Kind::kPstore)
    out->incidents = pstore_incidents(saved.pstore.dumps, annotator);
  else
    out->incidents = find_incidents(saved.text, annotator);
  out->log = std::move(saved.text);
  for (const Incident& i : out->incidents) out->rows.push_back(row_of(i));
  return kFound;
}

size_t terminal_width() {
  winsize w{};
  if (::isatty(STDOUT_FILENO) && ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &w) == 0 && w.ws_col)
    return w.ws_col;
  return 0;
}

bool on_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::string_view dirs = path ? path : "/usr/bin:/bin";
  while (!dirs.empty()) {
    const size_t colon = dirs.find(':');
    const std::string dir(dirs.substr(0, colon));
    if (!dir.empty() && ::access((dir + "/" + program).c_str(), X_OK) == 0) return true;
    if (colon == std::string_view::npos) break;
    dirs.remove_prefix(colon + 1);
  }
  return false;
}

// On a terminal through a pager, as journalctl and coredumpctl do ($SYSTEMD_PAGER, $PAGER,
// else less); plain in a pipe.
int print(const std::string& text, bool pager) {
  FILE* out = stdout;
  FILE* p = nullptr;
  if (pager && ::isatty(STDOUT_FILENO)) {
    const char* cmd = std::getenv("SYSTEMD_PAGER");
    if (!cmd || !*cmd) cmd = std::getenv("PAGER");
    if (!cmd || !*cmd) cmd = on_path("less") ? "less" : "cat";
    if (std::string(cmd) != "cat") {
      ::setenv("LESS", "FRSXMK", 0);
      p = ::popen(cmd, "w");
      if (p) out = p;
    }
  }
  std::fwrite(text.data(), 1, text.size(), out);
  int rc = std::fflush(out) == 0 ? kFound : 1;
  if (p) ::pclose(p);
  return rc;
}

// show: the incident `what` names: N (1 the oldest listed, -1 the newest), else a fingerprint
// or its first digits (the newest incident with it).
std::optional<size_t> pick(const std::vector<IncidentRow>& rows, const std::string& what) {
  const bool negative = !what.empty() && what[0] == '-';
  const std::string digits = what.substr(negative ? 1 : 0);
  const bool is_number =
      !digits.empty() && digits.size() <= 9 && std::all_of(digits.begin(), digits.end(), ::isdigit);
  if (is_number && digits.size() < 4) {
    const size_t n = std::stoul(digits);
    if (n == 0 || n > rows.size()) return std::nullopt;
    return negative ? rows.size() - n : n - 1;
  }
  for (size_t k = rows.size(); k-- > 0;)
    if (rows[k].fingerprint.rfind(what, 0) == 0) return k;
  return std::nullopt;
}

// Lines first..last (1-based) of a log, as they are.
std::string log_lines(std::string_view log, uint64_t first, uint64_t last) {
  std::string text;
  for_each_log_line(log, [&](size_t n, std::string_view raw, const LogLine&) {
    if (n >= first && n <= last) {
      text.append(raw);
      text += '\n';
    }
  });
  return text;
}

// The report's records: from the journal, the kernel records of its boot just before the
// incident record; from a saved log, its lines.
std::string report_text(const IncidentsQuery& q, const Listing& l, const IncidentRow& r) {
  std::string text;
  if (!q.file.empty()) return log_lines(l.log, r.first_seq, r.last_seq);
  std::vector<JournalEntry> before;
  std::string err;
  if (!journal_before(q.place, r.cursor, r.journal_boot, kReportRecords, &before, &err)) {
    spdlog::warn("{}", err);
    return text;
  }
  // a kernel record as a log line: "<4>[    2.887772] text"
  auto line_of = [](const JournalEntry& e) {
    const std::string& mono = e.get("KERNEL_MONOTONIC_USEC");
    const std::string& prio = e.get("PRIORITY");
    std::string out = prio.empty() ? "" : "<" + prio + ">";
    if (!mono.empty()) {
      char stamp[40];
      const uint64_t us = parse_decimal(mono).value_or(0);
      std::snprintf(stamp, sizeof stamp, "[%5llu.%06llu] ",
                    static_cast<unsigned long long>(us / 1000000),
                    static_cast<unsigned long long>(us % 1000000));
      out += stamp;
    }
    return out + e.get("MESSAGE") + "\n";
  };
  std::vector<const JournalEntry*> lines;
  for (const JournalEntry& e : before) {
    const std::optional<uint64_t> seq = parse_decimal(e.get("KERNEL_SEQNUM"));
    if (!seq || !r.first_seq) continue;
    const uint64_t s = *seq;
    if (s < r.first_seq) break;
    if (s <= r.last_seq && e.get("KLOGD_BOOT") == r.origin) lines.push_back(&e);
  }
  for (auto it = lines.rbegin(); it != lines.rend(); ++it) text += line_of(**it);
  if (!text.empty()) return text;
  // No sequence numbers (the previous boot's records, harvested from pstore): the records of its
  // origin before the incident record, the report found in them again by its fingerprint.
  std::string log;
  for (auto it = before.rbegin(); it != before.rend(); ++it)
    if (it->get("KLOGD_BOOT") == r.origin && it->get("MESSAGE_ID").empty()) log += line_of(*it);
  Symbolizer none;
  const Annotator annotator(&none, {});
  const std::vector<Incident> found = find_incidents(log, annotator);
  for (auto i = found.rbegin(); i != found.rend(); ++i) {
    if (i->fingerprint != r.fingerprint) continue;
    text = log_lines(log, i->first_line, i->last_line);
    break;
  }
  return text;
}

int show(const Config& c, const Listing& l) {
  const IncidentsQuery& q = c.query;
  const std::optional<size_t> at = pick(l.rows, q.what);
  if (!at) {
    spdlog::error("no incident matches '{}' ({} listed)", q.what, l.rows.size());
    return kNone;
  }
  IncidentRow r = l.rows[*at];
  std::string report = report_text(q, l, r);
  // Source lines and the guilty file from the debug info, when it is found.
  SourceLines source;
  if (!report.empty() && !find_source_lines(c, report, &source)) return kUnreadable;
  Symbolizer none;
  const Annotator annotator(&none, c.annotator);
  std::string body;
  if (!report.empty()) {
    decode_log(report, annotator, DecodeOutput{false, false, source.empty() ? nullptr : &source},
               &body);
    if (r.guilty_file.empty() || r.source.empty()) {
      std::vector<Incident> again = find_incidents(report, annotator);
      for (Incident& i : again) {
        if (i.fingerprint != r.fingerprint) continue;
        if (!source.empty()) locate(&i, source);
        if (r.guilty_file.empty()) r.guilty_file = i.guilty_file;
        if (r.source.empty()) r.source = i.source;
        break;
      }
    }
  }
  std::shared_ptr<const Maintainers> tell;
  if (!maintainers_for(c, release_in_log(report), &tell)) return kUnreadable;

  std::string out;
  auto field = [&](const char* name, const std::string& v) {
    if (!v.empty()) out += std::string(name) + ": " + v + "\n";
  };
  field("Title", r.title);
  field("Type", r.type);
  field("Fingerprint", r.fingerprint);
  field("Time", r.realtime_usec ? row_time(r.realtime_usec, 0) : "");
  field("Boot", r.boot + (r.origin.empty() ? "" : " (" + r.origin + ")"));
  field("Guilty file", r.guilty_file);
  field("Source", r.source);
  field("Module", r.module);
  field("Taint", r.taint);
  if (tell && !r.guilty_file.empty()) {
    const Recipients who = tell->lookup(r.guilty_file);
    std::string subs, to, cc;
    for (const std::string& s : who.subsystems) subs += (subs.empty() ? "" : "; ") + s;
    for (const std::string& s : who.to) to += (to.empty() ? "" : ", ") + s;
    for (const std::string& s : who.cc) cc += (cc.empty() ? "" : ", ") + s;
    field("Subsystems", subs);
    field("To", to);
    field("Cc", cc);
  }
  out += "\n";
  out += body.empty() ? "(the report's records are not in the journal)\n" : body;
  // When and in which boots the same crash was seen.
  uint64_t times = 0;
  std::vector<std::string> boots;
  std::string seen;
  for (const IncidentRow& o : l.rows) {
    if (o.fingerprint != r.fingerprint) continue;
    times += 1 + o.repeats;
    const std::string b = o.boot.empty() ? o.origin : o.boot;
    if (std::find(boots.begin(), boots.end(), b) == boots.end()) boots.push_back(b);
    seen += "  " + row_time(o.realtime_usec, o.line) + "  " + (b.empty() ? "-" : b) +
            (o.repeats ? "  +" + std::to_string(o.repeats) + " repeats" : "") + "\n";
  }
  out += "\nSeen " + std::to_string(times) + " time(s) in " + std::to_string(boots.size()) +
         " boot(s):\n" + seen;
  return print(out, q.pager);
}

}  // namespace

int run_incidents(const Config& c) {
  const IncidentsQuery& q = c.query;
  Listing l;
  const int read = q.file.empty() ? from_journal(q, &l) : from_file(c, &l);
  if (read != kFound) return read;
  if (q.action == IncidentsQuery::Action::kShow) return show(c, l);
  std::vector<IncidentRow> rows = std::move(l.rows);
  std::vector<IncidentGroup> groups;
  if (q.group) groups = group_rows(rows);
  auto keep = [&](auto& v) {
    if (q.last && v.size() > *q.last) v.erase(v.begin(), v.end() - static_cast<ptrdiff_t>(*q.last));
    if (q.reverse) std::reverse(v.begin(), v.end());
  };
  if (q.group) {
    keep(groups);
    if (groups.empty()) {
      if (!q.json) spdlog::info("no incidents found");
      return kNone;
    }
    return print(format_groups(groups, q.json, q.json ? 0 : terminal_width()), q.pager);
  }
  keep(rows);
  if (rows.empty()) {
    if (!q.json) spdlog::info("no incidents found");
    return kNone;
  }
  return print(format_rows(rows, q.json, q.json ? 0 : terminal_width()), q.pager);
}

}  // namespace klogd
