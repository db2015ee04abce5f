#include "options.h"

#include <algorithm>
#include <boost/program_options.hpp>
#include <fstream>
#include <iostream>

namespace po = boost::program_options;

namespace klogd {
namespace {

// The option tables: each option's name, its value's type and where it goes, its help line.
// sysklogd klogd 1.5's short options. Each has a long twin below, which is also its name in the
// config file; the command line wins over the file.
po::options_description klogd15_options() {
  po::options_description klogd15("sysklogd klogd 1.5 options");
  klogd15.add_options()(",c", po::value<int>()->value_name("N"),
                        "set the console log level (1-8) with syslog(2)")(
      ",d", po::bool_switch(), "debug: verbose diagnostics")(
      ",f", po::value<std::string>()->value_name("FILE"), "write records to FILE ('-' = stdout)")(
      ",i", po::bool_switch(), "signal the running klogd to reload module symbols (SIGUSR1), exit")(
      ",I", po::bool_switch(), "signal the running klogd to reload all symbols (SIGUSR2), exit")(
      ",k", po::value<std::string>()->value_name("FILE"), "use this System.map (still checked)")(
      ",n", po::bool_switch(), "stay in the foreground")(
      ",o", po::bool_switch(), "one-shot: read what the kernel holds now, then exit")(
      ",p", po::bool_switch(),
      "paranoid: reload module symbols when a kernel Oops/BUG record comes (at most once a "
      "second)")(",s", po::bool_switch(),
                 "read through syslog(2) (destructive) instead of /dev/kmsg")(
      ",v", po::bool_switch(), "print the version and exit")(",x", po::bool_switch(),
                                                             "do not translate addresses")(
      ",2", po::bool_switch(), "print translated lines twice: translated, then original");

  return klogd15;
}

po::options_description modern_options(Options* o) {
  po::options_description modern("Options (also config file keys, without the dashes)");
  modern.add_options()("console-level", po::value<int>()->value_name("N"), "= -c")(
      "debug", po::value<bool>()->value_name("BOOL"), "= -d (default false)")(
      "output", po::value<std::string>()->value_name("FILE"),
      "= -f (default: none, --sink chooses)")("map", po::value<std::string>()->value_name("FILE"),
                                              "= -k (default: search, see klogd(8))")(
      "foreground", po::value<bool>()->value_name("BOOL"), "= -n (default false)")(
      "one-shot", po::value<bool>()->value_name("BOOL"), "= -o (default false)")(
      "paranoid", po::value<bool>()->value_name("BOOL"), "= -p (default false)")(
      "no-translate", po::value<bool>()->value_name("BOOL"), "= -x (default false)")(
      "twice", po::value<bool>()->value_name("BOOL"), "= -2 (default false)")(
      "style", po::value<std::string>(&o->style)->value_name("klogd|keep"),
      "how translated addresses are printed (default klogd)")(
      "registers", po::value<bool>(&o->registers)->value_name("BOOL"),
      "annotate register values in oops dumps (default true)")(
      "hide-addresses", po::value<bool>(&o->hide_addresses)->value_name("BOOL"),
      "never print a kernel address or the KASLR slide (default false)")(
      "kmsg", po::value<std::string>(&o->kmsg_path)->value_name("PATH"),
      "the kernel log device (default /dev/kmsg)")(
      "source", po::value<std::string>(&o->source)->value_name("kmsg|proc|syscall"),
      "what to read: /dev/kmsg, /proc/kmsg or syslog(2) (default kmsg; -s = syscall)")(
      "start", po::value<std::string>(&o->start)->value_name("oldest|end"),
      "where to start reading /dev/kmsg (default oldest)")(
      "kallsyms", po::value<std::string>(&o->kallsyms_file)->value_name("FILE"),
      "kallsyms file (daemon default /proc/kallsyms; --decode: none)")(
      "modules", po::value<std::string>(&o->modules_file)->value_name("FILE"),
      "modules file (daemon default /proc/modules; --decode: none)")(
      "force-map", po::value<bool>(&o->force_map)->value_name("BOOL")->implicit_value(true),
      "use -k FILE even when its check fails (default false)")(
      "kaslr-offset", po::value<std::string>(&o->kaslr_offset)->value_name("HEX"),
      "the KASLR slide, when kallsyms cannot tell it")(
      "pid-file", po::value<std::string>(&o->pid_file)->value_name("FILE"),
      "pid file (default /run/klogd.pid)")(
      "state-file", po::value<std::string>(&o->state_file)->value_name("FILE"),
      "next kmsg sequence number and boot id, for restarts ('none' = off; default "
      "/run/klogd/kmsg-seqnum)")(
      "pstore", po::value<std::vector<std::string>>(&o->pstore)->value_name("DIR"),
      "at start, deliver the previous boot's crashes and last words kept here (repeatable; "
      "'none' = off; default /sys/fs/pstore, /var/lib/systemd/pstore, /var/crash)")(
      "pstore-state", po::value<std::string>(&o->pstore_state)->value_name("FILE"),
      "which dumps were harvested, and the last delivered kernel time, kept across reboots "
      "('none' = off; default /var/lib/klogd/pstore-state)")(
      "pstore-unlink", po::value<bool>(&o->pstore_unlink)->value_name("BOOL")->implicit_value(true),
      "remove the pstore and kdump files once harvested (default false: left for "
      "systemd-pstore and the admin)")(
      "reader-priority", po::value<int>(&o->reader_priority)->value_name("N"),
      "run the reading thread at SCHED_FIFO priority N (1-99; default 0: normal)")(
      "user", po::value<std::string>(&o->user)->value_name("NAME"),
      "drop to this user once /dev/kmsg is open, keeping CAP_SYSLOG (default: stay)")(
      "sink", po::value<std::string>(&o->sink)->value_name("auto|journald|syslog|stdout"),
      "where records go when -f is not given; auto: journald if its socket exists, else /dev/log, "
      "else stdout (default auto)")("syslog-socket",
                                    po::value<std::string>(&o->syslog_socket)->value_name("PATH"),
                                    "syslog's datagram socket (default /dev/log)")(
      "syslog-format", po::value<std::string>(&o->syslog_format)->value_name("rfc3164|rfc5424"),
      "syslog framing (default rfc3164)")(
      "journal-socket", po::value<std::string>(&o->journal_socket)->value_name("PATH"),
      "journald's native socket, records are sent there (a namespace's: "
      "/run/systemd/journal.NAME/socket; default /run/systemd/journal/socket)")(
      "queue-max", po::value<size_t>(&o->queue_max)->value_name("BYTES"),
      "per sink: records kept while it is down before the oldest are dropped (default 8388608)")(
      "forward", po::value<std::vector<std::string>>(&o->forward)->value_name("URL"),
      "also send records to a collector as RFC 5424: udp://HOST[:PORT], "
      "tcp://HOST[:PORT][?framing=lf], tls://HOST[:PORT], relp://HOST:PORT (repeatable)")(
      "forward-queue-dir", po::value<std::string>(&o->forward_queue_dir)->value_name("DIR"),
      "where each --forward target's queue spills to files while it is slow or away; kept "
      "across restarts (default /var/lib/klogd/forward)")(
      "forward-queue-max", po::value<size_t>(&o->forward_queue_max)->value_name("BYTES"),
      "per --forward target: memory and files together, beyond which the oldest records are "
      "dropped and counted (default 67108864)")(
      "forward-fsync", po::value<bool>(&o->forward_fsync)->value_name("BOOL"),
      "fdatasync the queue files after each spill, so that a power loss cannot take what they "
      "hold (default false)")(
      "tls-ca", po::value<std::string>(&o->tls_ca)->value_name("FILE"),
      "tls://: CA certificates the collector's certificate must chain to (default: the "
      "system's)")("tls-cert", po::value<std::string>(&o->tls_cert)->value_name("FILE"),
                   "tls://: this host's certificate, for mutual TLS")(
      "tls-key", po::value<std::string>(&o->tls_key)->value_name("FILE"),
      "tls://: the key of --tls-cert")(
      "tls-name", po::value<std::string>(&o->tls_name)->value_name("NAME"),
      "tls://: the name the collector's certificate must carry (default: the URL's HOST)")(
      "sd-id", po::value<std::string>(&o->sd_id)->value_name("ID"),
      "RFC 5424 SD-ID of klogd's structured data (default kmsg@32473)")(
      "hostname", po::value<std::string>(&o->hostname)->value_name("NAME"),
      "HOSTNAME in RFC 5424 messages (default: this host's name)")(
      "fsync", po::value<bool>(&o->fsync)->value_name("BOOL")->implicit_value(true),
      "fsync the output file after each batch (default false)")(
      "incident-records", po::value<bool>(&o->incident_records)->value_name("BOOL"),
      "after each crash report, a record that sums it up: title, type, guilty frame, "
      "fingerprint (default true)")(
      "incident-window", po::value<unsigned>(&o->incident_window)->value_name("SECONDS"),
      "the same crash again within this time is counted, not recorded again (default 600)")(
      "maintainers", po::value<std::string>(&o->maintainers)->value_name("FILE"),
      "the kernel's MAINTAINERS file (plain or gzip'ed): incidents name the subsystems, "
      "maintainers and lists of their guilty file, as get_maintainer.pl does (default: the "
      "release's source tree when installed, /lib/modules/R/source or /usr/src/linux-R; "
      "'none': never)")(
      "source-lines", po::value<bool>(&o->source_lines)->value_name("BOOL")->implicit_value(true),
      "after each frame of a kernel record, its source line and inlined callers from the kernel's "
      "debug info, once known (default false; incidents carry their guilty line either way)")(
      "debuginfo", po::value<std::vector<std::string>>(&o->debuginfo)->value_name("PATH"),
      "the kernel's vmlinux or a module's .ko[.debug] with DWARF, or a folder laid out like "
      "/usr/lib/debug (repeatable; default: where distributions install the release's debug "
      "info; 'none': no source lines)")(
      "debuginfo-idle", po::value<unsigned>(&o->debuginfo_idle)->value_name("SECONDS"),
      "close the debug files after this long unused, giving their memory back (default 300)")(
      "debuginfod", po::value<std::string>(&o->debuginfod)->value_name("URLS"),
      "fetch the debug info not found here by build ID from these debuginfod servers (default: "
      "$DEBUGINFOD_URLS; 'none': never)")(
      "release", po::value<std::string>(&o->release)->value_name("R"),
      "the kernel release whose debug info is looked for (default: the running one, or the one "
      "a decoded log names)")(
      "metrics-listen", po::value<std::string>(&o->metrics_listen)->value_name("ADDR:PORT"),
      "serve Prometheus metrics at http://ADDR:PORT/metrics (an IP literal: 127.0.0.1:9468, "
      "[::1]:9468; default off)")(
      "metrics-file", po::value<std::string>(&o->metrics_file)->value_name("PATH"),
      "write the metrics to PATH for node_exporter's textfile collector (PATH ending in .prom; "
      "default off)")("metrics-interval",
                      po::value<unsigned>(&o->metrics_interval)->value_name("SECONDS"),
                      "how often --metrics-file is written (default 15; also at exit)");

  return modern;
}

po::options_description command_options(Options* o) {
  po::options_description commands("Commands");
  commands.add_options()("help,h", "print this help and exit")(
      "version", "print the version and exit")("config",
                                               po::value<std::string>()->value_name("FILE"),
                                               "config file (default /etc/klogd.conf)")(
      "check-map", po::bool_switch(&o->check_map),
      "print the map search and check, then exit (0 = verified)")(
      "decode", po::value<std::string>(&o->decode_file)->value_name("FILE"),
      "annotate a saved log ('-' = stdin), write it to stdout, exit; what FILE is (a log in "
      "dmesg, console, /dev/kmsg, journalctl or kdump form, a pstore record, a folder of them) "
      "is read from its bytes, never its name")("json", po::bool_switch(&o->json),
                                                "with --decode: one JSON object per input line")(
      "hand-over-pstore", po::value<std::string>(&o->hand_over_pstore)->value_name("DIR"),
      "as root, copy the previous boot's dumps into DIR for --user to read, exit (the systemd "
      "unit's ExecStartPre=+)")(
      "incidents", po::bool_switch(&o->incidents),
      "with --decode: one JSON object per crash report (incident) instead");

  return commands;
}

}  // namespace

ParseOutcome parse_options(int argc, char** argv, Options* o, std::string* err) {
  const po::options_description klogd15 = klogd15_options(), modern = modern_options(o),
                                commands = command_options(o);
  po::options_description all;
  all.add(klogd15).add(modern).add(commands);
  // Words that are no option are gathered, to be refused by name: klogd takes no operands.
  std::vector<std::string> operands;
  po::options_description hidden;
  hidden.add_options()("operand", po::value<std::vector<std::string>>(&operands));
  po::positional_options_description as_operands;
  as_operands.add("operand", -1);
  all.add(hidden);
  po::variables_map vm;
  try {
    po::store(
        po::command_line_parser(argc, argv)
            .options(all)
            .positional(as_operands)
            .style(po::command_line_style::unix_style ^ po::command_line_style::allow_guessing)
            .run(),
        vm);
    const bool config_given = vm.count("config") > 0;
    const std::string config_file =
        config_given ? vm["config"].as<std::string>() : std::string(kConfigFile);
    std::ifstream conf(config_file);
    if (conf) {
      try {
        po::store(po::parse_config_file(conf, modern, /*allow_unregistered=*/false), vm);
      } catch (const po::error& e) {
        *err = config_file + ": " + e.what();
        return ParseOutcome::kUsageError;
      }
    } else if (config_given) {
      *err = config_file + ": cannot be read";
      return ParseOutcome::kUsageError;
    }
    po::notify(vm);
  } catch (const po::error& e) {
    *err = e.what();
    return ParseOutcome::kUsageError;
  }
  if (!operands.empty()) {
    *err = "'" + operands.front() +
           "': klogd takes options only, no operands (a saved log is read with --decode FILE)";
    return ParseOutcome::kUsageError;
  }
  if (vm.count("help")) {
    std::cout
        << "Usage: klogd [options]\n"
           "Reads the kernel log, names kernel addresses with System.map, and forwards it.\n\n"
        << klogd15 << "\n"
        << modern << "\n"
        << commands
        << "\nklogd incidents [list|show FP|N]: the crashes the journal holds (klogd incidents "
           "--help).\n"
        << "\nExit status: 0 success, 1 runtime error, 2 usage error; --check-map: 0 only "
           "when a verified map was found.\nSee klogd(8).\n";
    return ParseOutcome::kExitOk;
  }
  auto flag = [&](const char* short_name, const char* long_name) {
    if (vm[short_name].as<bool>()) return true;
    return vm.count(long_name) ? vm[long_name].as<bool>() : false;
  };
  auto text = [&](const char* short_name, const char* long_name, std::string* out) {
    if (vm.count(short_name))
      *out = vm[short_name].as<std::string>();
    else if (vm.count(long_name))
      *out = vm[long_name].as<std::string>();
  };
  o->debug = flag("-d", "debug");
  o->no_fork = flag("-n", "foreground");
  o->one_shot = flag("-o", "one-shot");
  o->paranoid = flag("-p", "paranoid");
  o->no_translate = flag("-x", "no-translate");
  o->twice = flag("-2", "twice");
  o->use_syscall = vm["-s"].as<bool>();
  o->signal_usr1 = vm["-i"].as<bool>();
  o->signal_usr2 = vm["-I"].as<bool>();
  o->version = vm["-v"].as<bool>() || vm.count("version");
  text("-f", "output", &o->output_file);
  text("-k", "map", &o->map_file);
  if (vm.count("-c") || vm.count("console-level"))
    o->console_level = vm.count("-c") ? vm["-c"].as<int>() : vm["console-level"].as<int>();
  return ParseOutcome::kRun;
}

}  // namespace klogd
