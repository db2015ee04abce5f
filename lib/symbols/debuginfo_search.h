#pragma once
/// Where the debug info of a kernel release is, as distributions ship it (--decode and the
/// daemon's source lines alike, without --debuginfo or with a folder): the vmlinux with DWARF in /usr/lib/debug/boot/vmlinux-R
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

/// The one policy of which debug files to try, for `--decode` and the daemon alike: for the core
/// kernel (`module` "") or one module (its key, module_key()), the candidates in order: each
/// file `named` (--debuginfo) that is for it (a file naming no module is a vmlinux;
/// NAME.ko[.debug] is NAME's), and what each folder named holds (find_debug_files_in); with
/// nothing named, where distributions install `release`'s (find_debug_files, under `root`).
/// Where a vmlinux was looked for is appended to *looked (may be null).
std::vector<std::string> debug_file_candidates(const std::vector<std::string>& named,
                                               const std::string& release,
                                               const std::string& module,
                                               const std::string& root = "",
                                               std::vector<std::string>* looked = nullptr);

/// The rule for debuginfod: an object's file is fetched only when servers are configured, its
/// build ID is known (the running kernel's notes, or the [mod BUILDID] a trace printed) and no
/// file here was taken for it.
inline bool fetch_from_debuginfod(bool configured, std::string_view build_id, bool have_file) {
  return configured && !build_id.empty() && !have_file;
}

}  // namespace klogd
