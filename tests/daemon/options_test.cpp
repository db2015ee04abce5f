// The command line and the config file, read into the options: syntax only, the command line
// winning, a stray word refused.
#include "options.h"

#include <catch2/catch.hpp>

#include "test_util.h"

using namespace klogd;
using namespace klogd::test;

namespace {

struct Parsed {
  ParseOutcome outcome;
  Options options;
  std::string err;
};

Parsed parse(std::vector<std::string> args, const std::string& config = "") {
  std::vector<std::string> all{"klogd"};
  const std::string dir = temp_dir();
  // a config file of the test's own, so that the machine's /etc/klogd.conf plays no part
  all.push_back("--config");
  all.push_back(dir + "/klogd.conf");
  write_file(dir + "/klogd.conf", config);
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : all) argv.push_back(a.data());
  Parsed p;
  p.outcome = parse_options(static_cast<int>(argv.size()), argv.data(), &p.options, &p.err);
  return p;
}

}  // namespace

TEST_CASE("options: klogd 1.5's short options and their long twins", "[daemon]") {
  Parsed p = parse(
      {"-c", "4", "-d", "-f", "/tmp/out", "-k", "/boot/map", "-n", "-o", "-p", "-x", "-2", "-s"});
  REQUIRE(p.outcome == ParseOutcome::kRun);
  CHECK(p.options.console_level == 4);
  CHECK(p.options.debug);
  CHECK(p.options.output_file == "/tmp/out");
  CHECK(p.options.map_file == "/boot/map");
  CHECK(p.options.no_fork);
  CHECK(p.options.one_shot);
  CHECK(p.options.paranoid);
  CHECK(p.options.no_translate);
  CHECK(p.options.twice);
  CHECK(p.options.use_syscall);
  p = parse({"--foreground", "true", "--output", "/tmp/o2", "--console-level", "3"});
  REQUIRE(p.outcome == ParseOutcome::kRun);
  CHECK(p.options.no_fork);
  CHECK(p.options.output_file == "/tmp/o2");
  CHECK(p.options.console_level == 3);
}

TEST_CASE("options: the config file, and the command line over it", "[daemon]") {
  Parsed p =
      parse({"--sink", "syslog"}, "sink = journald\nstyle = keep\nforward = tcp://127.0.0.1:514\n");
  REQUIRE(p.outcome == ParseOutcome::kRun);
  CHECK(p.options.sink == "syslog");
  CHECK(p.options.style == "keep");
  CHECK(p.options.forward == std::vector<std::string>{"tcp://127.0.0.1:514"});
  // a key the file may not hold, and a file named that is not there
  p = parse({}, "no-such-key = 1\n");
  CHECK(p.outcome == ParseOutcome::kUsageError);
  CHECK(p.err.find("klogd.conf") != std::string::npos);
  std::vector<std::string> args{"klogd", "--config", "/nonexistent/klogd.conf"};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  Options o;
  std::string err;
  CHECK(parse_options(3, argv.data(), &o, &err) == ParseOutcome::kUsageError);
  CHECK(err == "/nonexistent/klogd.conf: cannot be read");
}

TEST_CASE("options: what is no option is a usage error, never ignored", "[daemon]") {
  Parsed p = parse({"-n", "foo"});
  CHECK(p.outcome == ParseOutcome::kUsageError);
  CHECK(p.err.find("'foo': klogd takes options only") != std::string::npos);
  p = parse({"--no-such-option"});
  CHECK(p.outcome == ParseOutcome::kUsageError);
  p = parse({"-c", "four"});
  CHECK(p.outcome == ParseOutcome::kUsageError);
  p = parse({"--decod", "x"});  // no guessing of a shortened name
  CHECK(p.outcome == ParseOutcome::kUsageError);
  p = parse({"--pstore", "/a", "--pstore", "/b", "--debuginfo", "none"});
  REQUIRE(p.outcome == ParseOutcome::kRun);
  CHECK(p.options.pstore == std::vector<std::string>{"/a", "/b"});
  CHECK(p.options.debuginfo == std::vector<std::string>{"none"});
}

namespace {

Parsed parse_incidents(std::vector<std::string> args) {
  std::vector<std::string> all{"incidents"};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : all) argv.push_back(a.data());
  Parsed p;
  p.outcome =
      parse_incidents_options(static_cast<int>(argv.size()), argv.data(), &p.options, &p.err);
  return p;
}

}  // namespace

TEST_CASE("options: klogd incidents, list and show, journalctl's -b", "[daemon]") {
  Parsed p = parse_incidents({});
  REQUIRE(p.outcome == ParseOutcome::kRun);
  REQUIRE(p.options.incidents_query);
  CHECK(p.options.incidents_query->action == IncidentsQuery::Action::kList);
  CHECK_FALSE(p.options.incidents_query->boot);
  p = parse_incidents({"list", "-b", "-1", "--group", "--json", "-n", "5", "-r", "--no-pager"});
  REQUIRE(p.outcome == ParseOutcome::kRun);
  const IncidentsQuery& q = *p.options.incidents_query;
  CHECK(q.boot == std::optional<std::string>("-1"));
  CHECK(q.group);
  CHECK(q.json);
  CHECK(q.reverse);
  CHECK_FALSE(q.pager);
  CHECK(q.last == std::optional<size_t>(5));
  p = parse_incidents({"-b", "--json"});  // -b alone: this boot
  CHECK(p.options.incidents_query->boot == std::optional<std::string>(""));
  p = parse_incidents({"show", "-1", "--maintainers", "/m"});
  REQUIRE(p.outcome == ParseOutcome::kRun);
  CHECK(p.options.incidents_query->action == IncidentsQuery::Action::kShow);
  CHECK(p.options.incidents_query->what == "-1");
  CHECK(p.options.maintainers == "/m");
  p = parse_incidents({"show", "35085de2", "-D", "/j"});
  CHECK(p.options.incidents_query->what == "35085de2");
  CHECK(p.options.incidents_query->place.directory == "/j");
  for (const std::vector<std::string>& bad : {std::vector<std::string>{"show"},
                                              {"frobnicate"},
                                              {"--bogus"},
                                              {"show", "1", "2"},
                                              {"--file", "x", "-b"},
                                              {"-D", "a", "--namespace", "b"}}) {
    p = parse_incidents(bad);
    CHECK(p.outcome == ParseOutcome::kUsageError);
    CHECK(p.err.rfind("incidents", 0) == 0);
  }
}
