#pragma once
// The sinks the options ask for: the local one (-f FILE, or --sink), and a collector for each
// --forward URL. Built before the fork (a file that needs root is opened then; a bad --tls-ca is
// refused then); their threads start later, in SinkSet::start().
#include <string>
#include <vector>

#include "options.h"
#include "sinks/sink_set.h"
#include "util/kernel_paths.h"

namespace klogd {

/// `forking`: the daemon is about to go to the background, so --sink auto never picks stdout.
/// `queue_dirs` gets each forward target's queue folder (made and handed to --user later).
bool make_sinks(const Options& o, const KernelPaths& paths, bool forking, SinkSet* sinks,
                std::vector<std::string>* queue_dirs, std::string* err);

}  // namespace klogd
