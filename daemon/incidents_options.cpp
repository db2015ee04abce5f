// klogd incidents [list] [OPTIONS], klogd incidents show FP|N [OPTIONS]: the command line.
#include <boost/program_options.hpp>
#include <iostream>
#include <optional>

#include "options.h"

namespace po = boost::program_options;

namespace klogd {
namespace {

bool boot_value(const std::string& s) {
  if (s.empty()) return false;
  size_t k = s[0] == '-' || s[0] == '+' ? 1 : 0;
  if (k == s.size()) return false;
  bool digits = true;
  for (size_t i = k; i < s.size(); ++i) digits = digits && s[i] >= '0' && s[i] <= '9';
  if (digits) return true;
  return s.size() >= 32 && s.find_first_not_of("0123456789abcdef-") == std::string::npos;
}

}  // namespace

ParseOutcome parse_incidents_options(int argc, char** argv, Options* o, std::string* err) {
  IncidentsQuery q;
  std::vector<std::string> words;
  std::string boot;
  po::options_description opts("klogd incidents options");
  opts.add_options()("help,h", "print this help and exit")(
      "boot,b", po::value<std::string>(&boot)->implicit_value("")->value_name("ID|±N"),
      "only this boot's incidents: none or 0 the current boot, a boot ID, -1 the one before, "
      "1 the journal's first")("since,S", po::value<std::string>(&q.since)->value_name("TIME"),
                               "incidents at or after TIME (YYYY-MM-DD [HH:MM[:SS]], today, "
                               "yesterday, -2h, @SECONDS)")(
      "until,U", po::value<std::string>(&q.until)->value_name("TIME"),
      "incidents at or before TIME")("lines,n", po::value<size_t>()->value_name("N"),
                                     "only the N newest")("reverse,r", po::bool_switch(&q.reverse),
                                                          "newest first")(
      "group", po::bool_switch(&q.group),
      "one line per fingerprint: how often, in how many boots, first and last seen")(
      "json", po::bool_switch(&q.json), "one JSON object a line")(
      "no-pager", "never pipe the output into a pager")(
      "file", po::value<std::string>(&q.file)->value_name("FILE"),
      "the incidents of a saved log or of klogd's -f output, not the journal's")(
      "directory,D", po::value<std::string>(&q.place.directory)->value_name("DIR"),
      "the journal files in DIR (as journalctl -D)")(
      "namespace", po::value<std::string>(&q.place.name_space)->value_name("NS"),
      "a journal namespace's journal (as journalctl --namespace)")(
      "maintainers", po::value<std::string>(&o->maintainers)->value_name("FILE"),
      "show: the MAINTAINERS file that names whom to tell (default: the release's source tree "
      "when installed; 'none')")(
      "debuginfo", po::value<std::vector<std::string>>(&o->debuginfo)->value_name("PATH"),
      "show: the kernel's debug info, for source lines (default: where distributions put it)")(
      "debuginfod", po::value<std::string>(&o->debuginfod)->value_name("URLS"),
      "show: debuginfod servers (default $DEBUGINFOD_URLS; 'none')")(
      "release", po::value<std::string>(&o->release)->value_name("R"),
      "show: the release whose debug info is looked for (default: the report's)");
  po::options_description hidden;
  hidden.add_options()("word", po::value<std::vector<std::string>>(&words));
  po::positional_options_description positional;
  positional.add("word", -1);
  po::options_description all;
  all.add(opts).add(hidden);
  // "-b -1": an offset is the value of -b, as journalctl reads it
  // "show -1": the newest, a word and no option
  std::vector<std::string> args;
  std::optional<std::string> negative_what;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "show" && i + 1 < argc && argv[i + 1][0] == '-' && boot_value(argv[i + 1])) {
      args.push_back(a);
      negative_what = argv[++i];
      continue;
    }
    if ((a == "-b" || a == "--boot") && i + 1 < argc && boot_value(argv[i + 1])) {
      args.push_back("--boot=" + std::string(argv[++i]));
      continue;
    }
    args.push_back(a);
  }
  po::variables_map vm;
  try {
    po::store(
        po::command_line_parser(args)
            .options(all)
            .positional(positional)
            .style(po::command_line_style::unix_style ^ po::command_line_style::allow_guessing)
            .run(),
        vm);
    po::notify(vm);
  } catch (const po::error& e) {
    *err = "incidents: " + std::string(e.what());
    return ParseOutcome::kUsageError;
  }
  if (vm.count("help")) {
    std::cout << "Usage: klogd incidents [list] [options]\n"
                 "       klogd incidents show FINGERPRINT|N [options]\n"
                 "Lists the kernel's crashes (klogd's incident records) from the journal, or "
                 "shows one with its report,\nsource lines, guilty file and whom to tell.\n\n"
              << opts
              << "\nN: the Nth incident listed (1 the oldest, -1 the newest); a fingerprint may be "
                 "cut to its first digits.\nExit status: 0 listed or shown, 1 no incident "
                 "matched, 2 usage error, 3 the journal, file or MAINTAINERS\ncannot be read.\n"
                 "See klogd(8), INCIDENTS.\n";
    return ParseOutcome::kExitOk;
  }
  if (vm.count("boot")) q.boot = boot;
  if (vm.count("lines")) q.last = vm["lines"].as<size_t>();
  q.pager = !vm.count("no-pager");
  if (!words.empty() && words[0] == "list") {
    words.erase(words.begin());
  } else if (!words.empty() && words[0] == "show") {
    q.action = IncidentsQuery::Action::kShow;
    words.erase(words.begin());
    if (negative_what) words.insert(words.begin(), *negative_what);
    if (words.empty()) {
      *err = "incidents show: which incident? A fingerprint or N (-1: the newest)";
      return ParseOutcome::kUsageError;
    }
    q.what = words[0];
    words.erase(words.begin());
  }
  if (!words.empty()) {
    *err = "incidents: '" + words[0] + "': not a command (list, show FP|N)";
    return ParseOutcome::kUsageError;
  }
  if (!q.file.empty() && (q.boot || !q.place.directory.empty() || !q.place.name_space.empty())) {
    *err = "incidents: --file reads a saved log: -b, -D and --namespace are the journal's";
    return ParseOutcome::kUsageError;
  }
  if (!q.place.directory.empty() && !q.place.name_space.empty()) {
    *err = "incidents: -D or --namespace, not both";
    return ParseOutcome::kUsageError;
  }
  o->incidents_query = std::move(q);
  return ParseOutcome::kRun;
}

}  // namespace klogd
