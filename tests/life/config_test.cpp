// The configuration made from the options: every rule that refuses a combination, and every
// fact derived from several options, each checked here.
#include "life/config.h"

#include <catch2/catch.hpp>

#include "test_util.h"

using namespace klogd;
using namespace klogd::test;

namespace {

// The configuration of `o`, which must be valid.
Config made(const Options& o) {
  Config c;
  std::string err;
  INFO(err);
  REQUIRE(make_config(o, &c, &err));
  return c;
}

// The usage error `o` gives.
std::string refused(const Options& o) {
  Config c;
  std::string err;
  CHECK_FALSE(make_config(o, &c, &err));
  return err;
}

Options capture(const std::string& dir) {
  Options o;
  o.kmsg_path = dir + "/capture";
  write_file(o.kmsg_path, "6,1,0,-;hello\n");
  return o;
}

}  // namespace

TEST_CASE("config: each value that cannot be is refused, naming it", "[life]") {
  Options o;
  o.console_level = 9;
  CHECK(refused(o) == "-c: console log level must be 1-8, not 9");
  o = {};
  o.kaslr_offset = "xyz";
  CHECK(refused(o) == "--kaslr-offset: not a hex number: xyz");
  o = {};
  o.style = "fancy";
  CHECK(refused(o) == "--style: must be klogd or keep, not fancy");
  o = {};
  o.sink = "kafka";
  CHECK(refused(o) == "--sink: must be auto, journald, syslog or stdout, not kafka");
  o = {};
  o.source = "net";
  CHECK(refused(o).starts_with("--source: must be kmsg, proc or syscall"));
  o = {};
  o.syslog_format = "json";
  CHECK(refused(o).starts_with("--syslog-format:"));
  o = {};
  o.start = "middle";
  CHECK(refused(o).starts_with("--start:"));
  o = {};
  o.reader_priority = 100;
  CHECK(refused(o) == "--reader-priority: must be 0-99, not 100");
  o = {};
  o.metrics_interval = 0;
  CHECK(refused(o) == "--metrics-interval: must be at least 1 second");
  o = {};
  o.metrics_listen = "localhost:9468";  // an IP literal only
  CHECK_FALSE(refused(o).empty());
  o = {};
  o.debuginfo_idle = 0;
  CHECK(refused(o) == "--debuginfo-idle: must be at least 1 second");
}

TEST_CASE("config: forwarding and RFC 5424's names", "[life]") {
  Options o;
  o.forward = {"tcp://127.0.0.1:514", "tcp://127.0.0.1:514"};
  CHECK(refused(o).find("the same target given twice") != std::string::npos);
  o.forward = {"gopher://x"};
  CHECK_FALSE(refused(o).empty());
  o = {};
  o.hostname = "has space";
  CHECK(refused(o).starts_with("--hostname 'has space'"));
  o = {};
  o.sd_id = "@32473";
  CHECK(refused(o).starts_with("--sd-id '@32473'"));
  o.sd_id = "a@b@c";
  CHECK_FALSE(refused(o).empty());
  o.sd_id = "kmsg@32473";
  o.forward = {"tls://collector.example:6514", "relp://10.0.0.1:2514"};
  o.hostname = "web-1";
  Config c = made(o);
  REQUIRE(c.sinks.forward.size() == 2);
  CHECK(c.sinks.hostname == "web-1");
}

TEST_CASE("config: none turns a feature off, alone", "[life]") {
  Options o;
  o.pstore = {"none", "/var/crash"};
  CHECK(refused(o) == "--pstore none: turns the harvest off, and cannot go with a folder");
  o = {};
  o.debuginfo = {"none", "/usr/lib/debug"};
  CHECK(refused(o) == "--debuginfo none: turns source lines off, and cannot go with a file");
  o = {};
  o.debuginfo = {"none"};
  o.source_lines = true;
  CHECK(refused(o) == "--source-lines with --debuginfo none: no debug info to take the lines from");
  o.source_lines = false;
  CHECK_FALSE(made(o).source_lines);
  o = {};
  o.pstore = {"none"};
  CHECK_FALSE(made(o).harvest);
  o = {};
  o.pstore_state = "none";
  REQUIRE(made(o).harvest);
  CHECK_FALSE(made(o).harvest->state_file);
  o = {};
  o.state_file = "none";
  CHECK_FALSE(made(o).state_file);
  o = {};
  o.debuginfod = "none";
  CHECK(made(o).debuginfod.servers == DebuginfodConfig::Servers::kNone);
  o.debuginfod = "http://127.0.0.1:8002";
  CHECK(made(o).debuginfod.servers == DebuginfodConfig::Servers::kThese);
  CHECK(made(o).debuginfod.urls == "http://127.0.0.1:8002");
  o.debuginfod.clear();
  CHECK(made(o).debuginfod.servers == DebuginfodConfig::Servers::kEnvironment);
}

TEST_CASE("config: the mode, and the daemon's life derived once", "[life]") {
  Options o;
  Config c = made(o);
  CHECK(c.mode == Mode::kDaemon);
  CHECK(c.daemon);
  CHECK(c.forking);
  CHECK_FALSE(c.replay);
  CHECK(c.pid_file == "/run/klogd.pid");
  CHECK(c.state_file == "/run/klogd/kmsg-seqnum");
  REQUIRE(c.harvest);
  CHECK(c.harvest->paths == std::vector<std::string>{"/sys/fs/pstore", "/var/lib/systemd/pstore",
                                                     "/var/crash", "/var/lib/klogd/previous-boot"});
  CHECK_FALSE(c.harvest->paths_given);
  REQUIRE(c.source_lines);  // for the incidents' guilty lines
  CHECK_FALSE(c.source_lines->decorate);
  CHECK(c.source_lines->release);  // the running kernel's
  o.no_fork = true;
  CHECK_FALSE(made(o).forking);
  CHECK(made(o).daemon);
  // -o: no pid file, no restart point, no harvest unless --pstore names where
  o = {};
  o.one_shot = true;
  c = made(o);
  CHECK_FALSE(c.daemon);
  CHECK_FALSE(c.forking);
  CHECK_FALSE(c.pid_file);
  CHECK_FALSE(c.state_file);
  CHECK_FALSE(c.harvest);
  o.pstore = {"/tmp/dumps"};
  REQUIRE(made(o).harvest);
  CHECK(made(o).harvest->paths_given);
  // --start end: no restart point; -s and --source proc: neither
  o = {};
  o.start = "end";
  CHECK_FALSE(made(o).state_file);
  o = {};
  o.use_syscall = true;
  CHECK(made(o).source == Source::kSyscall);
  CHECK(made(o).source_kind == LogSource::Kind::kSyscall);
  CHECK_FALSE(made(o).state_file);
  // no incident records and no --source-lines: no source lines wanted
  o = {};
  o.incident_records = false;
  CHECK_FALSE(made(o).source_lines);
  o.source_lines = true;
  REQUIRE(made(o).source_lines);
  CHECK(made(o).source_lines->decorate);
  // the modes
  o = {};
  o.version = true;
  o.check_map = true;
  CHECK(made(o).mode == Mode::kVersion);
  o.version = false;
  CHECK(made(o).mode == Mode::kCheckMap);
  o = {};
  o.hand_over_pstore = "/var/lib/klogd/previous-boot";
  o.user = "klogd";
  CHECK(made(o).mode == Mode::kHandOverPstore);
  CHECK(made(o).hand_over_dir == "/var/lib/klogd/previous-boot");
  CHECK_FALSE(made(o).daemon);
  o.hand_over_pstore = "relative/dir";
  CHECK(refused(o) == "--hand-over-pstore relative/dir: an absolute folder, please");
  o = {};
  o.signal_usr2 = true;
  CHECK(made(o).mode == Mode::kSignal);
  CHECK(made(o).signal_usr2);
  CHECK(made(o).pid_file == "/run/klogd.pid");
}

TEST_CASE("config: a saved capture as --kmsg is a replay", "[life]") {
  const std::string dir = temp_dir();
  Options o = capture(dir);
  Config c = made(o);
  CHECK(c.replay);
  CHECK(c.source_kind == LogSource::Kind::kCapture);
  CHECK_FALSE(c.daemon);
  CHECK_FALSE(c.forking);
  CHECK_FALSE(c.pid_file);
  CHECK_FALSE(c.state_file);
  CHECK_FALSE(c.harvest);  // a replay's previous boot is not this host's
  REQUIRE(c.source_lines);
  CHECK_FALSE(c.source_lines->release);  // a replay's kernel is not the running one
  o.release = "6.1.0-56-amd64";
  CHECK(made(o).source_lines->release == "6.1.0-56-amd64");
}

TEST_CASE("config: --decode reads only the files named, the release is the log's", "[life]") {
  Options o;
  o.decode_file = "dmesg.txt";
  Config c = made(o);
  CHECK(c.mode == Mode::kDecode);
  CHECK_FALSE(c.daemon);
  CHECK(c.paths.kallsyms.empty());  // not /proc/kallsyms: nothing of the running machine
  CHECK(c.paths.modules.empty());
  REQUIRE(c.source_lines);
  CHECK_FALSE(c.source_lines->release);
  o.kallsyms_file = "kallsyms.txt";
  CHECK(made(o).paths.kallsyms == "kallsyms.txt");
  // the daemon's defaults are the running kernel's files
  CHECK(made(Options{}).paths.kallsyms == "/proc/kallsyms");
}

TEST_CASE("config: annotation and symbols as the options say", "[life]") {
  Options o;
  o.no_translate = true;
  o.style = "keep";
  Config c = made(o);
  CHECK_FALSE(c.translate);
  CHECK(c.annotator.style == AnnotationStyle::kNone);  // -x wins over --style
  o = {};
  o.style = "keep";
  o.hide_addresses = true;
  o.kaslr_offset = "0x1be00000";
  o.map_file = "/boot/System.map-x";
  c = made(o);
  CHECK(c.annotator.style == AnnotationStyle::kKeep);
  CHECK(c.annotator.hide_addresses);
  CHECK(c.symbols.hide_slide);
  CHECK(c.symbols.kaslr_offset == 0x1be00000);
  CHECK(c.symbols.map_file == "/boot/System.map-x");
  o.kaslr_offset = "-0x10";
  CHECK(made(o).symbols.kaslr_offset == -0x10);
  // where records go
  o = {};
  o.output_file = "-";
  CHECK(made(o).sinks.to_stdout());
  o.output_file = "/var/log/kern.log";
  CHECK_FALSE(made(o).sinks.to_stdout());
  o = {};
  o.sink = "stdout";
  CHECK(made(o).sinks.to_stdout());
}
