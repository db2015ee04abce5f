#pragma once
/// Where the debug info of a kernel release is, as distributions ship it (klogd --decode without
/// --debuginfo, or with a folder): the vmlinux with DWARF in /usr/lib/debug/boot/vmlinux-R
/// (Debian, Ubuntu), /usr/lib/debug/lib/modules/R/vmlinux (Fedora, RHEL, SUSE), /boot/vmlinux-R,
/// /lib/modules/R/build/vmlinux (a kernel built in place); a module's in
/// /usr/lib/debug/lib/modules/R/**/NAME.ko[.debug], else the unstripped /lib/modules/R/**/NAME.ko.
/// Only where to look: whether a file belongs is for the build ID (build_id_note.h) or
/// SourceLines::check to say.

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace klogd {

/// The release a saved log names: "Linux version R (...", else a report's
/// "CPU: 0 PID: 1 Comm: x Tainted: G  W  R #1" line; "" when none.
std::string release_in_log(std::string_view log);

struct DebugFiles {
  std::string vmlinux;                         ///< "" when none was found
  std::map<std::string, std::string> modules;  ///< module name ('-' as '_') -> file
  std::vector<std::string> looked;             ///< where the vmlinux was looked for, in order
};

/// The debug files of `release` for the core kernel and `modules`, looking under `root` ("" for
/// /; tests give a tree of their own).
DebugFiles find_debug_files(const std::string& release, const std::set<std::string>& modules,
                            const std::string& root = "");

/// The same in one folder laid out like /usr/lib/debug (boot/vmlinux-R, lib/modules/R/...), or
/// holding the files themselves (vmlinux, vmlinux-R, NAME.ko, NAME.ko.debug; not in sub-folders).
DebugFiles find_debug_files_in(const std::string& folder, const std::string& release,
                               const std::set<std::string>& modules);

}  // namespace klogd
