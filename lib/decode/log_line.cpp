#include "decode/log_line.h"

#include "kmsg/printk_prefix.h"

namespace klogd {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// "prio,seq,ts[,flags...];"
bool kmsg_header(std::string_view line, size_t* semi) {
  size_t s = line.find(';');
  if (s == std::string_view::npos || s > 128) return false;
  std::string_view h = line.substr(0, s);
  int commas = 0;
  size_t i = 0;
  for (; i < h.size(); ++i) {
    if (h[i] == ',') {
      if (++commas == 3) break;
    } else if (!is_digit(h[i])) {
      return false;
    }
  }
  if (commas < 2) return false;
  *semi = s;
  return true;
}

bool is_month(std::string_view s) {
  static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (const char* m : months)
    if (s.starts_with(m)) return true;
  return false;
}

}  // namespace

namespace {

// "[   12.345678]" at the start of s: its time in microseconds, and where it ends.
std::optional<uint64_t> bracket_time(std::string_view s, size_t* end) {
  return parse_printk_time(s, end);
}

// dmesg -T's "[Fri Nov 27 17:14:58 2026]"
bool is_weekday_date(std::string_view s) {
  for (const char* d : {"[Mon ", "[Tue ", "[Wed ", "[Thu ", "[Fri ", "[Sat ", "[Sun "})
    if (s.starts_with(d)) return true;
  return false;
}

// "[  T123]" or "[ C1]" at the start of s: the id, and where it ends.
std::string_view caller_field(std::string_view s, size_t* end) {
  if (!s.starts_with('[')) return {};
  size_t j = 1;
  while (j < s.size() && s[j] == ' ') ++j;
  const size_t id = j;
  if (j >= s.size() || (s[j] != 'T' && s[j] != 'C')) return {};
  ++j;
  while (j < s.size() && is_digit(s[j])) ++j;
  if (j == id + 1 || j >= s.size() || s[j] != ']') return {};
  *end = j + 1;
  return s.substr(id, j - id);
}

// What a console capture may hold before the kernel's timestamp: syzkaller's
// "** 5 printk messages dropped ** ", a "login: " prompt the kernel's line ran into, "<4>" (its
// priority, into *prio).
size_t debris(std::string_view line, std::optional<int>* prio) {
  size_t at = 0;
  std::string_view s = line;
  if (s.starts_with("** ")) {
    size_t e = s.substr(0, 64).find(" printk messages dropped ** ");
    if (e != std::string_view::npos) at = e + 28;
  }
  s = line.substr(at);
  if (!s.starts_with('[') && !s.starts_with('<')) {
    size_t login = s.substr(0, 200).rfind(" login: ");
    if (login != std::string_view::npos) at += login + 8;
  }
  s = line.substr(at);
  size_t n = 0;
  if (std::optional<int> p = parse_printk_prio(s, &n)) {
    at += n;
    if (prio) *prio = p;
  }
  return at;
}

// A raw record's header "prio,seq,ts,flags[,caller=T1];": its facility, time and caller.
void kmsg_fields(std::string_view h, LogLine* l) {
  size_t c1 = h.find(','), c2 = h.find(',', c1 + 1), c3 = h.find(',', c2 + 1);
  size_t at = 0;
  auto prio = read_decimal(h.substr(0, c1), &at);
  at = 0;
  auto ts = read_decimal(h.substr(c2 + 1, c3 == std::string_view::npos ? c3 : c3 - c2 - 1), &at);
  l->kernel = !prio || (*prio >> 3) == 0;
  if (prio) l->level = static_cast<int>(*prio & 7);
  l->ts_usec = ts;
  size_t caller = h.find("caller=");
  l->context =
      caller == std::string_view::npos ? std::string_view("console") : h.substr(caller + 7);
  l->context = l->context.substr(0, l->context.find_first_of(",;"));
}

}  // namespace

LogLine split_log_line(std::string_view line, bool after_kmsg_record) {
  LogLine l;
  l.text = line;
  if (line.empty()) return l;
  size_t semi = 0;
  if (after_kmsg_record && line[0] == ' ' && line.find('=') != std::string_view::npos &&
      line.size() > 2 && line[1] >= 'A' && line[1] <= 'Z') {
    l.form = LogLine::Form::kKmsgDictionary;
    l.prefix = line;
    l.text = {};
    return l;
  }
  if (is_digit(line[0]) && kmsg_header(line, &semi)) {
    l.form = LogLine::Form::kKmsgRecord;
    l.prefix = line.substr(0, semi + 1);
    l.text = line.substr(semi + 1);
    kmsg_fields(line.substr(0, semi), &l);
    return l;
  }
  // "Nov 25 02:00:00 host kernel: " or "2026-11-25T02:00:00+0000 host kernel: ", and the
  // kernel's timestamp after it when it was logged with one
  if (is_month(line) || (line.size() > 10 && is_digit(line[0]) && line[4] == '-')) {
    size_t k = line.find(" kernel: ");
    size_t klen = 9;
    if (k == std::string_view::npos) {
      k = line.find(" kernel[");
      if (k != std::string_view::npos) {
        size_t c = line.find("]: ", k);
        klen = c == std::string_view::npos ? 0 : c + 3 - k;
      }
    }
    if (k != std::string_view::npos && klen && k < 120) {
      l.form = LogLine::Form::kSyslog;
      size_t end = k + klen, t = 0;
      l.context = "console";
      if (auto ts = bracket_time(line.substr(end), &t)) {
        l.ts_usec = ts;
        end += t;
        if (end < line.size() && line[end] == ' ') ++end;
      }
      l.prefix = line.substr(0, end);
      l.text = line.substr(end);
      return l;
    }
  }
  // "[    2.395438] ", "[    1.146753][    T1] ", "[Fri Nov 27 17:14:58 2026] ", after debris
  std::optional<int> prio;
  const size_t d = debris(line, &prio);
  std::string_view s = line.substr(d);
  size_t t = 0;
  std::optional<uint64_t> ts = bracket_time(s, &t);
  if (ts || is_weekday_date(s)) {  // not a trace's "[<ffffffff81234567>]"
    size_t close = s.find(']');
    if (close != std::string_view::npos && close < 40) {
      size_t end = close + 1;
      l.ts_usec = ts;
      l.context = "console";
      if (end < s.size() && s[end] == '[') {
        size_t c = 0;
        std::string_view id = caller_field(s.substr(end), &c);
        if (!id.empty()) l.context = id;
        size_t c2 = s.find(']', end);
        if (c2 != std::string_view::npos && c2 - end < 16) end = c2 + 1;
      }
      if (end < s.size() && s[end] == ' ') ++end;
      // journalctl -o short-monotonic: "[   12.135384] HOST kernel: text"
      if (size_t host_end = s.find(' ', end); host_end != std::string_view::npos &&
                                              host_end > end && host_end - end <= 64 &&
                                              s.substr(host_end, 9) == " kernel: ")
        end = host_end + 9;
      l.form = LogLine::Form::kDmesg;
      if (prio) {
        l.level = *prio & 7;
        l.kernel = (*prio >> 3) == 0;
      }
      l.prefix = line.substr(0, d + end);
      l.text = line.substr(d + end);
      return l;
    }
  }
  return l;
}

}  // namespace klogd
