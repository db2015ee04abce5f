#include "life/incident_listing.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <map>

#include "util/text.h"

namespace klogd {
namespace {

// A numeric field of klogd's record; 0 when absent or garbled.
uint64_t number(const std::string& s) { return parse_decimal(s).value_or(0); }

std::string cut(const std::string& s, size_t width) {
  if (!width || s.size() <= width) return s;
  if (width < 2) return s.substr(0, width);
  return s.substr(0, width - 1) + "~";
}

std::string pad(const std::string& s, size_t width) {
  return s.size() >= width ? s : s + std::string(width - s.size(), ' ');
}

void json_str(const char* name, const std::string& v, std::string* out) {
  *out += '"';
  *out += name;
  *out += "\":";
  append_json_string(v, out);
  *out += ',';
}

void json_num(const char* name, uint64_t v, std::string* out) {
  *out += '"';
  *out += name;
  *out += "\":" + std::to_string(v) + ",";
}

// Columns: the widths of the longest cell, the title (last but three) cut to what is left.
std::string columns(const std::vector<std::vector<std::string>>& table, size_t title_col,
                    size_t width) {
  std::vector<size_t> w(table.front().size(), 0);
  for (const auto& row : table)
    for (size_t k = 0; k < row.size(); ++k) w[k] = std::max(w[k], row[k].size());
  if (width) {
    size_t others = 0;
    for (size_t k = 0; k < w.size(); ++k)
      if (k != title_col) others += w[k] + 1;
    w[title_col] = std::min(w[title_col], width > others + 20 ? width - others : size_t{20});
  }
  std::string out;
  for (const auto& row : table) {
    std::string line;
    for (size_t k = 0; k < row.size(); ++k) {
      const std::string cell = k == title_col ? cut(row[k], w[k]) : row[k];
      line += k + 1 == row.size() ? cell : pad(cell, w[k]) + " ";
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

// "G        W  OE" -> "GWOE": one cell
std::string taint_cell(const std::string& t) {
  std::string out;
  for (char c : t)
    if (c != ' ') out += c;
  return out.empty() ? "-" : out;
}

std::string short_boot(const IncidentRow& r) {
  if (!r.origin.empty() && r.origin != "this") return r.origin;
  return r.boot.substr(0, 8);
}

}  // namespace

IncidentRow row_of(const JournalEntry& e) {
  IncidentRow r;
  r.realtime_usec = e.realtime_usec;
  r.boot = e.boot_id;
  r.journal_boot = e.boot_id;
  r.cursor = e.cursor;
  r.origin = e.get("KLOGD_BOOT");
  // the previous boot's incident happened in the boot pstore kept, not the one that harvested it
  if (std::string b = e.get("KERNEL_INCIDENT_BOOT_ID"); !b.empty()) {
    std::erase(b, '-');
    r.boot = b;
  }
  r.type = e.get("KERNEL_INCIDENT_TYPE");
  r.title = e.get("KERNEL_INCIDENT_TITLE");
  if (r.title.empty()) r.title = e.get("MESSAGE");
  r.fingerprint = e.get("KERNEL_INCIDENT_FINGERPRINT");
  r.module = e.get("KERNEL_INCIDENT_MODULE");
  r.taint = e.get("KERNEL_INCIDENT_TAINT");
  r.guilty_file = e.get("KERNEL_INCIDENT_GUILTY_FILE");
  r.source = e.get("KERNEL_INCIDENT_SOURCE");
  r.subsystem = e.get("KERNEL_INCIDENT_SUBSYSTEM");
  r.repeats = number(e.get("KERNEL_INCIDENT_REPEATS"));
  r.first_seq = number(e.get("KERNEL_INCIDENT_FIRST_SEQ"));
  r.last_seq = number(e.get("KERNEL_INCIDENT_LAST_SEQ"));
  r.panicked = e.get("KERNEL_INCIDENT_PANICKED") == "1";
  return r;
}

IncidentRow row_of(const Incident& i) {
  IncidentRow r;
  r.line = i.first_line;
  r.origin = i.boot;
  r.type = std::string(to_string(i.type));
  r.title = i.title;
  r.fingerprint = i.fingerprint;
  r.module = i.module;
  r.taint = i.taint;
  r.guilty_file = i.guilty_file;
  r.source = i.source;
  r.first_seq = i.first_line;
  r.last_seq = i.last_line;
  r.panicked = i.panicked;
  return r;
}

std::vector<IncidentGroup> group_rows(const std::vector<IncidentRow>& rows) {
  std::vector<IncidentGroup> out;
  std::map<std::string, size_t> at;
  for (const IncidentRow& r : rows) {
    auto [it, fresh] = at.try_emplace(r.fingerprint, out.size());
    if (fresh) {
      IncidentGroup g;
      g.fingerprint = r.fingerprint;
      g.type = r.type;
      g.title = r.title;
      g.first_usec = r.realtime_usec;
      g.first_line = r.line;
      out.push_back(std::move(g));
    }
    IncidentGroup& g = out[it->second];
    ++g.incidents;
    g.repeats += r.repeats;
    g.last_usec = r.realtime_usec;
    if (!r.where().empty()) g.where = r.where();
    const std::string boot = r.boot.empty() ? r.origin : r.boot;
    if (!boot.empty() && std::find(g.boots.begin(), g.boots.end(), boot) == g.boots.end())
      g.boots.push_back(boot);
  }
  return out;
}

std::string row_time(uint64_t usec, uint64_t line) {
  if (!usec) return "line " + std::to_string(line);
  const time_t t = static_cast<time_t>(usec / 1000000);
  struct tm tm {};
  localtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

std::string format_rows(const std::vector<IncidentRow>& rows, bool json, size_t width) {
  std::string out;
  if (json) {
    for (const IncidentRow& r : rows) {
      out += '{';
      if (r.realtime_usec) {
        json_str("time", row_time(r.realtime_usec, 0), &out);
        json_num("realtime_usec", r.realtime_usec, &out);
        json_str("boot", r.boot, &out);
      } else {
        json_num("line", r.line, &out);
      }
      if (!r.origin.empty()) json_str("origin", r.origin, &out);
      json_str("type", r.type, &out);
      json_str("title", r.title, &out);
      json_str("fingerprint", r.fingerprint, &out);
      json_num("repeats", r.repeats, &out);
      json_str("guilty_file", r.guilty_file, &out);
      json_str("source", r.source, &out);
      if (!r.subsystem.empty()) json_str("subsystem", r.subsystem, &out);
      json_str("module", r.module, &out);
      json_str("taint", r.taint, &out);
      out.back() = '}';
      out += '\n';
    }
    return out;
  }
  if (rows.empty()) return out;
  std::vector<std::vector<std::string>> table{
      {"TIME", "BOOT", "TYPE", "TITLE", "FINGERPRINT", "REPEATS", "WHERE", "MODULE", "TAINT"}};
  for (const IncidentRow& r : rows)
    table.push_back({row_time(r.realtime_usec, r.line), short_boot(r).empty() ? "-" : short_boot(r),
                     r.type, r.title, r.fingerprint, std::to_string(r.repeats),
                     r.where().empty() ? "-" : r.where(), r.module.empty() ? "-" : r.module,
                     taint_cell(r.taint)});
  return columns(table, 3, width);
}

std::string format_groups(const std::vector<IncidentGroup>& groups, bool json, size_t width) {
  std::string out;
  if (json) {
    for (const IncidentGroup& g : groups) {
      out += '{';
      json_str("fingerprint", g.fingerprint, &out);
      json_str("type", g.type, &out);
      json_str("title", g.title, &out);
      json_num("count", g.incidents + g.repeats, &out);
      json_num("incidents", g.incidents, &out);
      json_num("repeats", g.repeats, &out);
      if (g.first_usec) {
        json_str("first", row_time(g.first_usec, 0), &out);
        json_str("last", row_time(g.last_usec, 0), &out);
      }
      json_str("where", g.where, &out);
      out += "\"boots\":[";
      for (size_t k = 0; k < g.boots.size(); ++k) {
        if (k) out += ',';
        append_json_string(g.boots[k], &out);
      }
      out += "]}\n";
    }
    return out;
  }
  if (groups.empty()) return out;
  std::vector<std::vector<std::string>> table{
      {"COUNT", "BOOTS", "FIRST", "LAST", "TYPE", "TITLE", "FINGERPRINT", "WHERE"}};
  for (const IncidentGroup& g : groups)
    table.push_back({std::to_string(g.incidents + g.repeats), std::to_string(g.boots.size()),
                     g.first_usec ? row_time(g.first_usec, 0) : row_time(0, g.first_line),
                     g.last_usec ? row_time(g.last_usec, 0) : "-", g.type, g.title, g.fingerprint,
                     g.where.empty() ? "-" : g.where});
  return columns(table, 5, width);
}

bool parse_time_spec(const std::string& spec, uint64_t now_usec, uint64_t* usec, std::string* err) {
  std::string s(spec);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.pop_back();
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.erase(0, 1);
  auto bad = [&] {
    *err = "'" + spec +
           "': not a time (YYYY-MM-DD [HH:MM[:SS]], HH:MM[:SS], now, today, yesterday, "
           "tomorrow, -5min, +2h, @SECONDS)";
    return false;
  };
  if (s.empty()) return bad();
  const time_t now = static_cast<time_t>(now_usec / 1000000);
  struct tm tm {};
  localtime_r(&now, &tm);
  auto at_midnight = [&](int days) {
    struct tm d = tm;
    d.tm_hour = d.tm_min = d.tm_sec = 0;
    d.tm_mday += days;
    d.tm_isdst = -1;
    *usec = static_cast<uint64_t>(mktime(&d)) * 1000000;
    return true;
  };
  if (s == "now") return *usec = now_usec, true;
  if (s == "today") return at_midnight(0);
  if (s == "yesterday") return at_midnight(-1);
  if (s == "tomorrow") return at_midnight(1);
  if (s[0] == '@') {
    char* end = nullptr;
    const double v = std::strtod(s.c_str() + 1, &end);
    if (*end || v < 0) return bad();
    *usec = static_cast<uint64_t>(v * 1e6);
    return true;
  }
  if (s[0] == '-' || s[0] == '+') {
    size_t k = 1;
    uint64_t n = 0;
    while (k < s.size() && s[k] >= '0' && s[k] <= '9')
      n = n * 10 + static_cast<uint64_t>(s[k++] - '0');
    if (k == 1) return bad();
    const std::string unit = s.substr(k);
    uint64_t mult = 0;
    if (unit == "s" || unit == "sec" || unit.empty())
      mult = 1;
    else if (unit == "m" || unit == "min")
      mult = 60;
    else if (unit == "h")
      mult = 3600;
    else if (unit == "d")
      mult = 86400;
    else if (unit == "w")
      mult = 7 * 86400;
    else
      return bad();
    const uint64_t delta = n * mult * 1000000;
    *usec = s[0] == '-' ? (delta > now_usec ? 0 : now_usec - delta) : now_usec + delta;
    return true;
  }
  struct tm t = tm;
  t.tm_sec = 0;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
  char tail = 0;
  int n = 0;
  if ((n = std::sscanf(s.c_str(), "%4d-%2d-%2d %2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &se, &tail)) >=
          3 &&
      s[4] == '-') {
    if (n == 7 || n == 4) return bad();
    t.tm_year = y - 1900;
    t.tm_mon = mo - 1;
    t.tm_mday = d;
    t.tm_hour = n >= 5 ? h : 0;
    t.tm_min = n >= 5 ? mi : 0;
    t.tm_sec = n >= 6 ? se : 0;
  } else if ((n = std::sscanf(s.c_str(), "%2d:%2d:%2d%c", &h, &mi, &se, &tail)) >= 2 &&
             s.find('-') == std::string::npos) {
    if (n == 4) return bad();
    t.tm_hour = h;
    t.tm_min = mi;
    t.tm_sec = n == 3 ? se : 0;
  } else {
    return bad();
  }
  if (t.tm_mon < 0 || t.tm_mon > 11 || t.tm_mday < 1 || t.tm_mday > 31 || t.tm_hour > 23 ||
      t.tm_min > 59 || t.tm_sec > 60)
    return bad();
  t.tm_isdst = -1;
  const time_t v = mktime(&t);
  if (v < 0) return bad();
  *usec = static_cast<uint64_t>(v) * 1000000;
  return true;
}

}  // namespace klogd
