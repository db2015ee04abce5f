#include "decode/log_line.h"

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
    return l;
  }
  if (line[0] == '[') {
    // "[    2.395438] ", "[    1.146753][    T1] ", "[Fri Nov 27 17:14:58 2026] "
    size_t close = line.find(']');
    if (close != std::string_view::npos && close < 40) {
      size_t end = close + 1;
      if (end < line.size() && line[end] == '[') {
        size_t c2 = line.find(']', end);
        if (c2 != std::string_view::npos && c2 - end < 16) end = c2 + 1;
      }
      if (end < line.size() && line[end] == ' ') ++end;
      l.form = LogLine::Form::kDmesg;
      l.prefix = line.substr(0, end);
      l.text = line.substr(end);
      return l;
    }
  }
  // "Nov 25 02:00:00 host kernel: " or "2026-11-25T02:00:00+0000 host kernel: "
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
      l.prefix = line.substr(0, k + klen);
      l.text = line.substr(k + klen);
      return l;
    }
  }
  return l;
}

}  // namespace klogd
