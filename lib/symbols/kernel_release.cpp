#include "symbols/kernel_release.h"

#include "util/text.h"

namespace klogd {

std::optional<std::string_view> release_of_version_line(std::string_view l) {
  const size_t v = l.find("Linux version ");
  if (v == std::string_view::npos) return std::nullopt;
  std::string_view r = l.substr(v + 14);
  r = r.substr(0, r.find(' '));
  if (r.empty()) return std::nullopt;
  return r;
}

std::optional<CpuLine> parse_cpu_line(std::string_view l) {
  // each searched after the one before, at its rarest byte (every line of a report is asked:
  // " PID: " searched by its leading space stopped at every word)
  const size_t c = find_literal(l, "CPU: ");
  if (c == std::string_view::npos) return std::nullopt;
  const size_t p = find_literal(l, " PID: ", c);
  if (p == std::string_view::npos) return std::nullopt;
  const size_t m = find_literal(l, " Comm: ", p);
  if (m == std::string_view::npos) return std::nullopt;
  size_t cpu_at = c + 5, pid_at = p + 6;
  const auto cpu = read_decimal(l, &cpu_at);
  const auto pid = read_decimal(l, &pid_at);
  if (!cpu || !pid || *cpu > 1u << 20) return std::nullopt;
  CpuLine out;
  out.cpu = static_cast<int>(*cpu);
  out.pid = *pid;
  std::string_view rest = l.substr(m + 7);
  const size_t taint_at = rest.find(" Tainted: ");
  const size_t not_at = rest.find(" Not tainted");
  std::string_view after;
  if (taint_at != std::string_view::npos &&
      (not_at == std::string_view::npos || taint_at < not_at)) {
    out.comm = rest.substr(0, taint_at);
    after = rest.substr(taint_at + 10);
    size_t i = 0;
    while (i < after.size() && ((after[i] >= 'A' && after[i] <= 'Z') || after[i] == ' ')) ++i;
    // the flags end where the release (which starts with a digit) begins
    out.taint = trim_right(after.substr(0, i), " ");
    after.remove_prefix(i);
  } else if (not_at != std::string_view::npos) {
    out.comm = rest.substr(0, not_at);
    after = rest.substr(not_at + 12);
  } else {
    out.comm = rest.substr(0, rest.find(' '));
  }
  if (const size_t b = after.find_first_not_of(' '); b != std::string_view::npos) {
    after.remove_prefix(b);
    out.release = after.substr(0, after.find(' '));
  }
  return out;
}

std::string release_in_log(std::string_view log) {
  std::string from_report;
  bool found = false;
  for_each_line(log, [&](std::string_view l, size_t) {
    if (found) return;
    if (auto r = release_of_version_line(l)) {
      from_report.assign(*r);
      found = true;
    } else if (from_report.empty()) {
      if (auto cpu = parse_cpu_line(l)) from_report.assign(cpu->release);
    }
  });
  return from_report;
}

}  // namespace klogd
