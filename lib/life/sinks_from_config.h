#pragma once
/// The sinks the configuration names: the local one (-f FILE, or --sink), and a collector for
/// each --forward URL. Built before the fork (a file that needs root is opened then; a bad
/// --tls-ca is refused then); their threads start later, in SinkSet::start().
#include <string>
#include <vector>

#include "life/config.h"
#include "sinks/sink_set.h"

namespace klogd {

/// `forking`: the daemon is about to go to the background, so --sink auto never picks stdout.
/// `queue_dirs` gets each forward target's queue folder (made and handed to --user later).
bool make_sinks(const SinksConfig& c, const KernelPaths& paths, bool forking, SinkSet* sinks,
                std::vector<std::string>* queue_dirs, std::string* err);

}  // namespace klogd
