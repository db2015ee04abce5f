#pragma once
/// The running kernel's symbols as the daemon loads them: the map search fed with every piece of
/// KASLR evidence the machine offers (nokaslr, the kernel config, /proc/kcore), and the module
/// tables from /proc/modules and /proc/kallsyms. What is worth telling the user comes back as
/// notes. Called at start-up and, for reloads, on a worker thread.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "symbols/map_selection.h"
#include "symbols/module_table.h"
#include "util/kernel_paths.h"
#include "util/notes.h"

namespace klogd {

struct SymbolOptions {
  KernelPaths paths;
  std::string map_file;  ///< -k FILE ("" = search)
  bool force_map = false;
  std::optional<int64_t> kaslr_offset;  ///< --kaslr-offset
  bool hide_slide = false;              ///< --hide-addresses: reports say "slide: (hidden)"
};

/// The running kernel's release: paths.osrelease when set, else uname().
std::string running_release(const KernelPaths& paths);

/// The map search's options, with the KASLR evidence read from the machine.
MapSearchOptions map_search_options(const SymbolOptions& o, Notes* notes);

/// Loads the module table from paths.modules and paths.kallsyms (a missing one is left out, as in
/// a container), or, with `kallsyms_lines`, from the module lines the caller has already
/// (start-up: the map check read kallsyms, and the kernel takes tens of ms to make it again).
/// The notes say why module translation is limited, if it is.
std::shared_ptr<const ModuleTable> load_modules(const KernelPaths& paths, Notes* notes,
                                                const std::string* kallsyms_lines = nullptr);

}  // namespace klogd
