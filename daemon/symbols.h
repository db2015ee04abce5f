#pragma once
// Loading the daemon's symbols from its options: map selection and module tables.
#include <memory>
#include <string>

#include "annotate/annotator.h"
#include "symbols/map_selection.h"
#include "symbols/module_table.h"
#include "options.h"

namespace klogd {

std::string running_release(const Options& o);
MapSearchOptions map_search_options(const Options& o);
/// The module files the daemon reads (root-prefixed /proc paths unless given).
std::string modules_path(const Options& o);
std::string kallsyms_path(const Options& o);
/// The annotation settings the options ask for (daemon and --decode alike).
AnnotatorOptions annotator_options(const Options& o);
/// Loads the module table; logs (once per call) why module translation is limited.
/// `kallsyms_lines`: the module lines of kallsyms when the caller has them already (start-up,
/// from the map check), so the kernel need not produce /proc/kallsyms twice.
std::shared_ptr<const ModuleTable> load_modules(const Options& o, bool quiet,
                                                const std::string* kallsyms_lines = nullptr);

}  // namespace klogd
