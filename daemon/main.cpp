// klogd: the kernel log daemon. This file only dispatches: options, then one of the modes.
#include <csignal>
#include <cstdlib>
#include <iostream>

#include "diagnostics.h"
#include "modes.h"
#include "options.h"

int main(int argc, char** argv) {
  // A collector that goes away must be an error on that send, not the end of klogd (librelp's
  // and OpenSSL's writes do not all pass MSG_NOSIGNAL).
  std::signal(SIGPIPE, SIG_IGN);
  klogd::Options options;
  std::string err;
  switch (klogd::parse_options(argc, argv, &options, &err)) {
    case klogd::ParseOutcome::kExitOk:
      return 0;
    case klogd::ParseOutcome::kUsageError:
      std::cerr << "klogd: " << err << "\nTry 'klogd --help'.\n";
      return 2;
    case klogd::ParseOutcome::kRun:
      break;
  }
  if (options.version) {
    std::cout << "klogd " << KLOGD_VERSION << "\n";
    return 0;
  }
  klogd::start_diagnostics(options.debug, options.hide_addresses);
  // --debuginfod: libdebuginfod reads its servers from the environment only; set here, before
  // any thread runs.
  if (options.debuginfod == "none")
    ::unsetenv("DEBUGINFOD_URLS");
  else if (!options.debuginfod.empty())
    ::setenv("DEBUGINFOD_URLS", options.debuginfod.c_str(), 1);

  if (options.check_map) return klogd::run_check_map(options);
  if (!options.decode_file.empty()) return klogd::run_decode(options);
  if (options.signal_usr1 || options.signal_usr2) return klogd::run_signal(options);
  return klogd::run_daemon(options);
}
