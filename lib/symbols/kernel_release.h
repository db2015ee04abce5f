#pragma once
/// The kernel release a log names, read in one place for every reader: `--decode`'s map check
/// and debug-file search, the daemon's replay, the incident namer. Two lines say it:
///   "Linux version 6.1.0-56-amd64 (debian-kernel@lists.debian.org) ..." (the boot's first line)
///   "CPU: 0 PID: 93 Comm: sh Tainted: G        W  OE      6.1.0-56-amd64 #1  Debian 6.1.192-2"
///   "CPU: 1 UID: 0 PID: 1 Comm: init Not tainted 6.12.0 #1" (a report's task line)
/// Pure functions.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace klogd {

/// "Linux version R ..." anywhere in the line: R.
std::optional<std::string_view> release_of_version_line(std::string_view line);

/// A report's "CPU: N [UID: U] PID: P Comm: COMM {Tainted: FLAGS|Not tainted} RELEASE #B ..."
struct CpuLine {
  int cpu = -1;
  uint64_t pid = 0;
  std::string_view comm;
  std::string_view taint;    ///< the flags ("G        W  OE" trimmed), "" when not tainted
  std::string_view release;  ///< "" when the line holds none
};
std::optional<CpuLine> parse_cpu_line(std::string_view line);

/// The release a saved log names: its "Linux version" line, else the first report's CPU line;
/// "" when neither is there.
std::string release_in_log(std::string_view log);

}  // namespace klogd
