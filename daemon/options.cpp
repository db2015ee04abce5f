#include "options.h"

#include <boost/program_options.hpp>
#include <fstream>
#include <iostream>

namespace po = boost::program_options;

namespace klogd {
namespace {

bool parse_offset(const std::string& s, int64_t* out) {
  try {
    size_t used = 0;
    bool neg = !s.empty() && s[0] == '-';
    std::string body = neg ? s.substr(1) : s;
    uint64_t v = std::stoull(body, &used, 16);
    if (used != body.size()) return false;
    *out = neg ? -static_cast<int64_t>(v) : static_cast<int64_t>(v);
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace

ParseOutcome parse_options(int argc, char** argv, Options* o, std::string* err) {
  po::options_description klogd15("sysklogd klogd 1.5 options");
  klogd15.add_options()
    (",c", po::value<int>(), "N: set the console log level (1-8) with syslog(2), as klogd -c")
    (",d", po::bool_switch(&o->debug), "debug: verbose diagnostics on stderr")
    (",f", po::value<std::string>(&o->output_file), "FILE: write records to FILE ('-' = stdout)")
    (",i", po::bool_switch(&o->signal_usr1), "signal the running klogd to reload module symbols (SIGUSR1)")
    (",I", po::bool_switch(&o->signal_usr2), "signal the running klogd to reload all symbols (SIGUSR2)")
    (",k", po::value<std::string>(&o->map_file), "FILE: use this System.map (still checked)")
    (",n", po::bool_switch(&o->no_fork), "stay in the foreground")
    (",o", po::bool_switch(&o->one_shot), "one-shot: read what the kernel holds now, then exit")
    (",p", po::bool_switch(&o->paranoid), "paranoid: reload module symbols before an Oops/BUG record")
    (",s", po::bool_switch(&o->use_syscall), "read through syslog(2) (destructive) instead of /dev/kmsg")
    (",v", po::bool_switch(&o->version), "print the version and exit")
    (",x", po::bool_switch(&o->no_translate), "do not translate addresses")
    (",2", po::bool_switch(&o->twice), "print translated lines twice: translated, then original");

  po::options_description modern("Options");
  modern.add_options()
    ("help,h", "print this help and exit")
    ("version", "print the version and exit")
    ("config", po::value<std::string>(), "FILE: config file (default /etc/klogd.conf)")
    ("style", po::value<std::string>(&o->style), "klogd | keep: how translated addresses are printed")
    ("registers", po::value<bool>(&o->registers), "true|false: annotate register values in oops dumps (default true)")
    ("hide-addresses", po::value<bool>(&o->hide_addresses), "true|false: never print kernel addresses (default false)")
    ("kmsg", po::value<std::string>(&o->kmsg_path), "PATH: the kernel log device (default /dev/kmsg)")
    ("source", po::value<std::string>(&o->source), "kmsg | proc | syscall (default kmsg)")
    ("start", po::value<std::string>(&o->start), "oldest | end: where to start reading (default oldest)")
    ("root", po::value<std::string>(&o->root), "DIR: prefix for map search and proc files")
    ("kallsyms", po::value<std::string>(&o->kallsyms_file), "FILE: kallsyms to use (daemon default /proc/kallsyms)")
    ("modules", po::value<std::string>(&o->modules_file), "FILE: /proc/modules to use (daemon default /proc/modules)")
    ("force-map", po::value<bool>(&o->force_map)->implicit_value(true)->zero_tokens(), "use -k FILE even when its check fails")
    ("kaslr-offset", po::value<std::string>(), "HEX: the KASLR slide, when kallsyms cannot tell it")
    ("check-map", po::bool_switch(&o->check_map), "print the map search and check, then exit (0 = verified)")
    ("decode", po::value<std::string>(&o->decode_file), "FILE: annotate a saved log ('-' = stdin) and exit")
    ("json", po::bool_switch(&o->json), "with --decode: one JSON object per input line")
    ("pid-file", po::value<std::string>(&o->pid_file), "FILE: pid file (default /run/klogd.pid)")
    ("fsync", po::value<bool>(&o->fsync)->implicit_value(true)->zero_tokens(), "fsync the output file after each batch");

  po::options_description all;
  all.add(klogd15).add(modern);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv)
                  .options(all)
                  .style(po::command_line_style::unix_style ^
                         po::command_line_style::allow_guessing)
                  .run(),
              vm);
    if (vm.count("config")) {
      o->config_file = vm["config"].as<std::string>();
      o->config_given = true;
    }
    std::ifstream conf(o->config_file);
    if (conf) {
      po::store(po::parse_config_file(conf, modern, /*allow_unregistered=*/false), vm);
    } else if (o->config_given) {
      *err = o->config_file + ": cannot be read";
      return ParseOutcome::kUsageError;
    }
    po::notify(vm);
  } catch (const po::error& e) {
    *err = e.what();
    return ParseOutcome::kUsageError;
  }
  if (vm.count("help")) {
    std::cout << "Usage: klogd [options]\n"
                 "Reads the kernel log, names kernel addresses with System.map, and forwards it.\n\n"
              << klogd15 << "\n"
              << modern
              << "\nExit status: 0 success, 1 runtime error, 2 usage error; --check-map: 0 only "
                 "when a verified map was found.\nSee klogd(8).\n";
    return ParseOutcome::kExitOk;
  }
  if (vm.count("version")) o->version = true;
  if (vm.count("-c")) {
    int level = vm["-c"].as<int>();
    if (level < 1 || level > 8) {
      *err = "-c: console log level must be 1-8, not " + std::to_string(level);
      return ParseOutcome::kUsageError;
    }
    o->console_level = level;
  }
  if (vm.count("kaslr-offset")) {
    int64_t v = 0;
    if (!parse_offset(vm["kaslr-offset"].as<std::string>(), &v)) {
      *err = "--kaslr-offset: not a hex number: " + vm["kaslr-offset"].as<std::string>();
      return ParseOutcome::kUsageError;
    }
    o->kaslr_offset = v;
  }
  if (o->style != "klogd" && o->style != "keep") {
    *err = "--style: must be klogd or keep, not " + o->style;
    return ParseOutcome::kUsageError;
  }
  if (o->source != "kmsg" && o->source != "proc" && o->source != "syscall") {
    *err = "--source: must be kmsg, proc or syscall, not " + o->source;
    return ParseOutcome::kUsageError;
  }
  if (o->use_syscall) o->source = "syscall";
  if (o->start != "oldest" && o->start != "end") {
    *err = "--start: must be oldest or end, not " + o->start;
    return ParseOutcome::kUsageError;
  }
  return ParseOutcome::kRun;
}

}  // namespace klogd
