// klogd: the kernel log daemon. This file only dispatches: the options, the configuration made
// of them, then one of the modes.
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <string_view>

#include "life/config.h"
#include "life/diagnostics.h"
#include "life/modes.h"
#include "life/run_daemon.h"
#include "options.h"
#include "process_life.h"

int main(int argc, char** argv) {
  // A collector that goes away must be an error on that send, not the end of klogd (librelp's
  // and OpenSSL's writes do not all pass MSG_NOSIGNAL).
  std::signal(SIGPIPE, SIG_IGN);
  klogd::Options options;
  klogd::Config config;
  std::string err;
  const bool incidents = argc > 1 && std::string_view(argv[1]) == "incidents";
  switch (incidents ? klogd::parse_incidents_options(argc - 1, argv + 1, &options, &err)
                    : klogd::parse_options(argc, argv, &options, &err)) {
    case klogd::ParseOutcome::kExitOk:
      return 0;
    case klogd::ParseOutcome::kUsageError:
      std::cerr << "klogd: " << err << "\nTry 'klogd " << (incidents ? "incidents " : "")
                << "--help'.\n";
      return 2;
    case klogd::ParseOutcome::kRun:
      break;
  }
  if (!klogd::make_config(options, &config, &err)) {
    std::cerr << "klogd: " << err << "\nTry 'klogd --help'.\n";
    return 2;
  }
  if (config.mode == klogd::Mode::kVersion) {
    std::cout << "klogd " << KLOGD_VERSION << "\n";
    return 0;
  }
  klogd::start_diagnostics(config.debug, config.hide_addresses);
  klogd::apply_debuginfod_environment(config.debuginfod);  // before any thread runs
  switch (config.mode) {
    case klogd::Mode::kCheckMap:
      return klogd::run_check_map(config);
    case klogd::Mode::kDecode:
      return klogd::run_decode(config);
    case klogd::Mode::kSignal:
      return klogd::signal_running_klogd(*config.pid_file, config.signal_usr2);
    case klogd::Mode::kIncidents:
      return klogd::run_incidents(config);
    case klogd::Mode::kHandOverPstore:
      return klogd::run_hand_over_pstore(config);
    default: {
      klogd::ProcessLife process;
      return klogd::run_daemon(config, process);
    }
  }
}
