#pragma once
// klogd's command line and config file, read into the options as written (life/options.h):
// their syntax only (an unknown option, a value that is no number, a word that is no option,
// an unreadable --config FILE); what they mean is make_config's (life/config.h). --help is
// printed here.

#include <string>

#include "life/options.h"

namespace klogd {

enum class ParseOutcome { kRun, kExitOk, kUsageError };

/// The config file read when --config names none.
inline constexpr const char* kConfigFile = "/etc/klogd.conf";

/// Parses argv and the config file (/etc/klogd.conf, or --config FILE): the command line wins.
/// Prints --help itself; on a usage error fills *err.
ParseOutcome parse_options(int argc, char** argv, Options* out, std::string* err);

/// `klogd incidents ...`: argv[0] is "incidents". The config file is not read.
ParseOutcome parse_incidents_options(int argc, char** argv, Options* out, std::string* err);

}  // namespace klogd
