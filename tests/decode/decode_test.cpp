// klogd --decode on the real corpora, judged by their truth files, and every input form.
#include <catch2/catch.hpp>
#include <cstdio>

#include "decode/decode_output.h"
#include "decode/decode_setup.h"
#include "decode/log_line.h"
#include "symbols/kaslr.h"
#include "test_util.h"
#include "util/text.h"

using namespace klogd;
using namespace klogd::test;

namespace {

const std::string kDebian = KLOGD_TEST_DATA "/debian/";
const std::string kNoKallsyms = KLOGD_TEST_DATA "/nokallsyms/";

struct Decoded {
  bool ok = false;
  std::string error;
  std::vector<std::string> notes;
  std::vector<std::string> lines;
};

Decoded decode(const std::string& log_path, DecodeInputs in,
               AnnotationStyle style = AnnotationStyle::kKlogd) {
  Decoded d;
  std::string log = read_file(log_path);
  DecodeSetup setup;
  d.ok = prepare_decode(in, log, &setup, &d.error);
  d.notes = setup.notes;
  if (!d.ok) return d;
  AnnotatorOptions ao;
  ao.style = style;
  ao.mark_unverified = false;
  Annotator a(&setup.symbolizer, ao);
  std::string out;
  decode_log(log, a, {}, &out);
  d.lines = lines_of(out);
  return d;
}

std::vector<std::vector<std::string>> read_tsv(const std::string& path) {
  std::vector<std::vector<std::string>> rows;
  auto lines = lines_of(read_file(path));
  for (size_t i = 1; i < lines.size(); ++i) {
    std::vector<std::string> cols;
    size_t pos = 0;
    for (;;) {
      size_t tab = lines[i].find('\t', pos);
      cols.push_back(lines[i].substr(pos, tab - pos));
      if (tab == std::string::npos) break;
      pos = tab + 1;
    }
    rows.push_back(cols);
  }
  return rows;
}

// "crashme:crashme_raw+0x0/0x60" or "schedule+0x0/0xd0" -> klogd's "[...+0x0/0x%02x]"
std::string klogd_form(const std::string& module, const std::string& sym) {
  size_t slash = sym.rfind("/0x");
  std::string size = sym.substr(slash + 3);
  if (size.size() < 2) size = "0" + size;
  return "[" + (module.empty() ? "" : module + ":") + sym.substr(0, slash) + "/0x" + size + "]";
}

bool has_note(const Decoded& d, const std::string& what) {
  for (const auto& n : d.notes)
    if (n.find(what) != std::string::npos) return true;
  return false;
}

// nokallsyms truth columns: line address where form symbol backtrace_symbol static_address
// names_at_address kallsyms_kernel_prints
struct Score {
  size_t right = 0, total = 0;
};

Score judge_nokallsyms(const Decoded& d, const std::string& truth, bool expect_core,
                       bool expect_modules) {
  Score s;
  for (const auto& row : read_tsv(truth)) {
    REQUIRE(row.size() == 9);
    size_t line_no = std::stoul(row[0]);
    REQUIRE(line_no <= d.lines.size());
    const std::string& line = d.lines[line_no - 1];
    bool module = row[2].rfind("module:", 0) == 0;
    bool named = module ? expect_modules : expect_core;
    std::string want;
    if (!named) {
      want = row[3] == "bracketed" ? "[<" + row[1] + ">]" : "0x" + row[1];
    } else if (row[3] == "bracketed") {
      want = klogd_form(module ? "crashme" : "", row[4]);
    } else if (row[3] == "RIP") {
      want = "RIP: 0010:" + row[8];
    } else if (row[3] == "trace") {
      want = "]  " + row[8];
    } else if (row[3] == "trace?") {
      want = "]  ? " + row[8];
    } else {
      want = " " + row[8];
    }
    ++s.total;
    bool ok = line.find(want) != std::string::npos;
    if (named && row[3] != "bracketed")
      ok = ok && line.size() >= want.size() &&
           line.compare(line.size() - want.size(), want.size(), want) == 0;
    if (ok)
      ++s.right;
    else
      UNSCOPED_INFO("line " << line_no << ": want '" << want << "' in '" << line << "'");
  }
  return s;
}

std::string write_crashme_module_files(std::string* kallsyms_path) {
  // /proc/modules and /proc/kallsyms as the guest would have shown them with kallsyms: from the
  // module's real base (crashme_layout.txt) and its text symbols' offsets.
  std::string dir = temp_dir();
  uint64_t base = 0;
  for (const auto& l : lines_of(read_file(kNoKallsyms + "crashme_layout.txt")))
    if (l.rfind("core_base ", 0) == 0) base = std::stoull(l.substr(10), nullptr, 16);
  REQUIRE(base != 0);
  char buf[256];
  std::snprintf(buf, sizeof buf, "crashme 12288 0 - Live 0x%016llx (O)\n",
                static_cast<unsigned long long>(base));
  write_file(dir + "/modules", buf);
  std::string ks;
  for (const auto& row : read_tsv(kNoKallsyms + "crashme.text-symbols.tsv")) {
    if (row.size() < 6 || row[0].empty() || row[0][0] != '+') continue;
    uint64_t off = std::stoull(row[0].substr(1), nullptr, 16);
    std::snprintf(buf, sizeof buf, "%016llx %c %s\t[crashme]\n",
                  static_cast<unsigned long long>(base + off), row[4] == "GLOBAL" ? 'T' : 't',
                  row[5].c_str());
    ks += buf;
  }
  write_file(dir + "/kallsyms", ks);
  *kallsyms_path = dir + "/kallsyms";
  return dir + "/modules";
}

}  // namespace

TEST_CASE("decode: Debian dmesg with map, kallsyms and modules matches truth.tsv", "[decode]") {
  DecodeInputs in;
  in.map_path = kDebian + "System.map";
  in.kallsyms_path = kDebian + "kallsyms.txt";
  in.modules_path = kDebian + "modules.txt";
  Decoded d = decode(kDebian + "dmesg.txt", in);
  REQUIRE(d.ok);
  CHECK(has_note(d, "slide 0x1be00000 from kallsyms _text - map _text"));
  size_t rows = 0;
  // columns: line address where runtime_symbol static_symbol names_at_address
  for (const auto& row : read_tsv(kDebian + "truth.tsv")) {
    size_t line_no = std::stoul(row[0]);
    bool module = row[2].rfind("module:", 0) == 0;
    std::string sym = row[3];
    std::string mod;
    if (module) {
      mod = sym.substr(0, sym.find(':'));
      sym = sym.substr(sym.find(':') + 1);
    }
    INFO("line " << line_no << ": " << d.lines[line_no - 1]);
    CHECK(d.lines[line_no - 1].find(klogd_form(mod, sym)) != std::string::npos);
    CHECK(d.lines[line_no - 1].find(row[1]) == std::string::npos);
    ++rows;
  }
  CHECK(rows == 7);
}

TEST_CASE(
    "decode: Debian console with only System.map: slide from Kernel Offset, modules "
    "untouched",
    "[decode]") {
  DecodeInputs in;
  in.map_path = kDebian + "System.map";
  Decoded d = decode(kDebian + "console.txt", in);
  REQUIRE(d.ok);
  CHECK(has_note(d, "slide 0x1be00000 from the log's Kernel Offset line"));
  std::string all;
  for (const auto& l : d.lines) all += l + "\n";
  for (const auto& row : read_tsv(kDebian + "truth.tsv")) {
    bool module = row[2].rfind("module:", 0) == 0;
    INFO(row[1]);
    if (module) {
      CHECK(all.find("[<" + row[1] + ">]") != std::string::npos);
      CHECK(all.find("crashme:") == all.find("crashme: "));  // never a module:symbol name
    } else {
      CHECK(all.find(klogd_form("", row[4])) != std::string::npos);
      CHECK(all.find(row[1]) == std::string::npos);
    }
  }
}

TEST_CASE("decode: a map of another kernel is refused, naming a symbol", "[decode]") {
  DecodeInputs in;
  in.map_path = kNoKallsyms + "System.map";  // 6.1.192 built without kallsyms: another build
  Decoded d = decode(kDebian + "dmesg.txt", in);
  CHECK_FALSE(d.ok);
  CHECK(d.error.find("is not the map of the kernel that wrote this log") != std::string::npos);
  CHECK(d.error.find("the log says size 0x") != std::string::npos);

  // This machine's own map, made from its /proc/kallsyms.
  std::string map;
  for (const auto& line : lines_of(read_file("/proc/kallsyms")))
    if (line.find('\t') == std::string::npos) map += line + "\n";
  std::string dir = temp_dir();
  write_file(dir + "/System.map", map);
  in.map_path = dir + "/System.map";
  d = decode(kDebian + "dmesg.txt", in);
  CHECK_FALSE(d.ok);
  CHECK(d.error.find("disagree") != std::string::npos);
  // and with the crashed machine's kallsyms the content check refuses it too
  in.kallsyms_path = kDebian + "kallsyms.txt";
  d = decode(kDebian + "dmesg.txt", in);
  CHECK_FALSE(d.ok);
  CHECK(d.error.find("does not belong to the kernel of") != std::string::npos);
}

TEST_CASE("decode: a release in the map's name must match the log's Linux version", "[decode]") {
  std::string dir = temp_dir();
  write_file(dir + "/System.map-6.1.0-99-amd64", read_file(kDebian + "System.map"));
  DecodeInputs in;
  in.map_path = dir + "/System.map-6.1.0-99-amd64";
  Decoded d = decode(kDebian + "dmesg.txt", in);
  CHECK_FALSE(d.ok);
  CHECK(d.error.find("the log says Linux version 6.1.0-56-amd64") != std::string::npos);
  in.force = true;
  CHECK(decode(kDebian + "dmesg.txt", in).ok);
}

TEST_CASE("decode: kernel without kallsyms, console with only System.map", "[decode][nokallsyms]") {
  DecodeInputs in;
  in.map_path = kNoKallsyms + "System.map";
  Decoded d = decode(kNoKallsyms + "console.txt", in);
  REQUIRE(d.ok);
  CHECK(has_note(d, "slide 0x18e00000 from the log's Kernel Offset line"));
  Score s = judge_nokallsyms(d, kNoKallsyms + "truth-console.tsv", true, false);
  CHECK(s.right == s.total);
  CHECK(s.total == 139);
}

TEST_CASE("decode: kernel without kallsyms, console with module files", "[decode][nokallsyms]") {
  DecodeInputs in;
  in.map_path = kNoKallsyms + "System.map";
  in.modules_path = write_crashme_module_files(&in.kallsyms_path);
  Decoded d = decode(kNoKallsyms + "console.txt", in);
  REQUIRE(d.ok);
  Score s = judge_nokallsyms(d, kNoKallsyms + "truth-console.tsv", true, true);
  CHECK(s.right == s.total);
}

TEST_CASE("decode: kernel without kallsyms, dmesg has no slide evidence", "[decode][nokallsyms]") {
  DecodeInputs in;
  in.map_path = kNoKallsyms + "System.map";
  Decoded d = decode(kNoKallsyms + "dmesg.txt", in);
  REQUIRE(d.ok);
  CHECK(has_note(d, "no KASLR slide evidence"));
  Score s = judge_nokallsyms(d, kNoKallsyms + "truth-dmesg.tsv", false, false);
  CHECK(s.right == s.total);
  // with --kaslr-offset every core row is named
  in.kaslr_offset = 0x18e00000;
  d = decode(kNoKallsyms + "dmesg.txt", in);
  REQUIRE(d.ok);
  s = judge_nokallsyms(d, kNoKallsyms + "truth-dmesg.tsv", true, false);
  CHECK(s.right == s.total);
}

TEST_CASE("decode: raw kmsg records keep their header and dictionary", "[decode]") {
  DecodeInputs in;
  in.map_path = kNoKallsyms + "System.map";
  in.kaslr_offset = 0x18e00000;
  Decoded d = decode(kNoKallsyms + "kmsg.raw", in);
  REQUIRE(d.ok);
  // raw records have no "] " prefix: judge trace rows by their text
  size_t traced = 0;
  for (const auto& row : read_tsv(kNoKallsyms + "truth.tsv")) {
    if (row[2] != "core" || (row[3] != "trace" && row[3] != "trace?")) continue;
    const std::string& line = d.lines[std::stoul(row[0]) - 1];
    CHECK(line.substr(line.find(';')) ==
          std::string(";") + (row[3] == "trace?" ? " ? " : " ") + row[8]);
    ++traced;
  }
  CHECK(traced > 100);
  auto raw = lines_of(read_file(kNoKallsyms + "kmsg.raw"));
  REQUIRE(raw.size() == d.lines.size());
  for (size_t i = 0; i < raw.size(); ++i)
    if (raw[i].rfind(" ", 0) == 0) CHECK(d.lines[i] == raw[i]);
}

TEST_CASE("decode: input forms", "[decode]") {
  auto l = split_log_line("6,339,5140900,-,caller=T1;text here", false);
  CHECK(l.form == LogLine::Form::kKmsgRecord);
  CHECK(l.prefix == "6,339,5140900,-,caller=T1;");
  CHECK(l.text == "text here");
  l = split_log_line(" SUBSYSTEM=acpi", true);
  CHECK(l.form == LogLine::Form::kKmsgDictionary);
  l = split_log_line(" 0xffffffff81000000", false);
  CHECK(l.form == LogLine::Form::kBare);
  CHECK(l.text == " 0xffffffff81000000");
  l = split_log_line("[    2.395438] loop: module loaded", false);
  CHECK(l.form == LogLine::Form::kDmesg);
  CHECK(l.text == "loop: module loaded");
  l = split_log_line("[    1.146753][    T1]  0xffffffffc0056172", false);
  CHECK(l.prefix == "[    1.146753][    T1] ");
  CHECK(l.text == " 0xffffffffc0056172");
  l = split_log_line("[Fri Nov 27 17:14:58 2026] Call Trace:", false);
  CHECK(l.text == "Call Trace:");
  l = split_log_line("Nov 25 02:00:00 host kernel: [<ffffffff81000000>] x", false);
  CHECK(l.form == LogLine::Form::kSyslog);
  CHECK(l.text == "[<ffffffff81000000>] x");
  l = split_log_line("2026-11-25T02:00:00+0000 host kernel: RIP: 0010:0x0", false);
  CHECK(l.text == "RIP: 0010:0x0");
  l = split_log_line("Nov 25 02:00:00 host kernel[0]: hi", false);
  CHECK(l.text == "hi");
  l = split_log_line("just text", false);
  CHECK(l.form == LogLine::Form::kBare);
  // journalctl -k -o short-monotonic
  l = split_log_line("[   12.135384] klogdhost kernel:  kthread+0xda/0x100", false);
  CHECK(l.form == LogLine::Form::kDmesg);
  CHECK(l.prefix == "[   12.135384] klogdhost kernel: ");
  CHECK(l.text == " kthread+0xda/0x100");
  CHECK(l.ts_usec == 12135384u);
}

TEST_CASE("decode: the level a line was printed at, where it says", "[decode]") {
  CHECK(split_log_line("4,339,5140900,-;WARNING: x", false).level == 4);
  CHECK(split_log_line("<6>[    2.907674] info", false).level == 6);
  CHECK(split_log_line("<14>[    2.907674] from userspace", false).kernel == false);
  CHECK_FALSE(split_log_line("[    2.907674] plain dmesg", false).level);
  CHECK_FALSE(split_log_line("Nov 25 02:00:00 host kernel: syslog", false).level);
  // one reader of the kernel's timestamp everywhere: a fraction is a fraction
  CHECK(split_log_line("[1.5] short", false).ts_usec == 1500000u);
  CHECK(split_log_line("[    1.000005] six digits", false).ts_usec == 1000005u);
}

TEST_CASE("decode: the one reader gives context, time and kernel-ness, past console debris",
          "[decode]") {
  auto l = split_log_line("4,339,5140900,-,caller=T77;WARNING: x", false);
  CHECK(l.context == "T77");
  CHECK(l.ts_usec == 5140900u);
  CHECK(l.kernel);
  l = split_log_line("12,5,100,-;from userspace", false);  // facility user
  CHECK_FALSE(l.kernel);
  CHECK(l.context == "console");
  l = split_log_line("[  100.000001][  T123] text", false);
  CHECK(l.context == "T123");
  CHECK(l.ts_usec == 100000001u);
  CHECK(l.text == "text");
  l = split_log_line("** 5 printk messages dropped ** [  7.250000][    C1] Call Trace:", false);
  CHECK(l.context == "C1");
  CHECK(l.ts_usec == 7250000u);
  CHECK(l.text == "Call Trace:");
  CHECK(l.prefix == "** 5 printk messages dropped ** [  7.250000][    C1] ");
  l = split_log_line("syzkaller login: [   12.000000] BUG: KASAN: x", false);
  CHECK(l.text == "BUG: KASAN: x");
  CHECK(l.ts_usec == 12000000u);
  l = split_log_line("<4>[    2.907674] ---[ end trace 0 ]---", false);
  CHECK(l.text == "---[ end trace 0 ]---");
  CHECK(l.context == "console");
  l = split_log_line("Nov 25 02:00:00 host kernel: [   3.500000] RIP: 0010:f+0x1/0x2", false);
  CHECK(l.form == LogLine::Form::kSyslog);
  CHECK(l.ts_usec == 3500000u);
  CHECK(l.text == "RIP: 0010:f+0x1/0x2");
  // a trace's address is no dmesg prefix: the line is bare text, its address annotated
  l = split_log_line("[<80c1e5e8>] (__schedule) from [<80c1eb20>] (schedule+0x60/0xdc)", false);
  CHECK(l.form == LogLine::Form::kBare);
  CHECK(l.context.empty());
  CHECK_FALSE(l.ts_usec);
}

TEST_CASE("decode: serial console carriage returns and syslog lines", "[decode]") {
  std::string dir = temp_dir();
  std::string log =
      "[    2.992057] crashme: raw trace [<ffffffff9d852dd0>]\r\r\n"
      "Nov 25 02:00:00 vm kernel: crashme: raw trace [<ffffffff9d852dd0>]\n"
      "bare [<ffffffff9d852dd0>]\n"
      "[   13.287458] Kernel Offset: 0x1be00000 from 0xffffffff81000000 (relocation range: "
      "0xffffffff80000000-0xffffffffbfffffff)\n";
  write_file(dir + "/log", log);
  DecodeInputs in;
  in.map_path = kDebian + "System.map";
  Decoded d = decode(dir + "/log", in);
  REQUIRE(d.ok);
  REQUIRE(d.lines.size() == 4);
  CHECK(d.lines[0] == "[    2.992057] crashme: raw trace [schedule+0x0/0xd0]");
  CHECK(d.lines[1] == "Nov 25 02:00:00 vm kernel: crashme: raw trace [schedule+0x0/0xd0]");
  CHECK(d.lines[2] == "bare [schedule+0x0/0xd0]");
}

TEST_CASE("decode: Kernel Offset disabled means zero, and same-line pairs give the slide",
          "[decode]") {
  CHECK(parse_kernel_offset_line("Kernel Offset: disabled") == 0);
  CHECK(parse_kernel_offset_line("Kernel Offset: 0x1a800000 from 0xffffffff81000000") ==
        0x1a800000);
  CHECK_FALSE(parse_kernel_offset_line("Kernel panic"));
  std::string dir = temp_dir();
  // pre-4.x style: the raw address and the kernel's own name for it on one line
  write_file(dir + "/log",
             " [<ffffffff9d852dd0>] schedule+0x0/0xd0\n"
             " [<ffffffff9d807e3d>] _printk+0x0/0x83\n"
             "later [<ffffffff9d166fb0>]\n");
  DecodeInputs in;
  in.map_path = kDebian + "System.map";
  Decoded d = decode(dir + "/log", in);
  REQUIRE(d.ok);
  CHECK(has_note(d, "slide 0x1be00000 from raw addresses printed beside their symbols (2 pairs)"));
  CHECK(d.lines[2] == "later [kernel_write+0x0/0x1b0]");
}

TEST_CASE("decode: JSON output, one object per line", "[decode]") {
  DecodeInputs in;
  in.map_path = kDebian + "System.map";
  in.kallsyms_path = kDebian + "kallsyms.txt";
  in.modules_path = kDebian + "modules.txt";
  std::string log = read_file(kDebian + "dmesg.txt");
  DecodeSetup setup;
  std::string err;
  REQUIRE(prepare_decode(in, log, &setup, &err));
  Annotator a(&setup.symbolizer, {});
  std::string out;
  decode_log(log, a, {false, true}, &out);
  auto lines = lines_of(out);
  REQUIRE(lines.size() == lines_of(log).size());
  const std::string& l = lines[358];  // dmesg.txt line 359
  CHECK(l.rfind("{\"line\":359,\"text\":\"[    2.992057] crashme: raw trace [<ffffffffc04aa000>]",
                0) == 0);
  CHECK(l.find("{\"address\":\"ffffffffc04aa000\",\"form\":\"bracketed\",\"resolved\":true,"
               "\"symbol\":\"crashme_raw\",\"offset\":0,\"size\":96,\"module\":\"crashme\","
               "\"via\":\"module-symbols\",\"printed\":\"crashme_raw+0x0/0x60 [crashme]\"}") !=
        std::string::npos);
  CHECK(
      l.find("\"symbol\":\"schedule\",\"offset\":0,\"size\":208,\"module\":\"\",\"via\":\"map\"") !=
      std::string::npos);
}

TEST_CASE(
    "decode: incidents of the kernel without kallsyms, translated with its map and module "
    "files, are those of its kallsyms truth",
    "[decode][nokallsyms][incidents]") {
  // The truth: the console as a kallsyms kernel would have printed it (each address in the
  // kernel's own form, from truth-console.tsv), read without any map.
  auto lines = lines_of(read_file(kNoKallsyms + "console.txt"));
  for (const auto& row : read_tsv(kNoKallsyms + "truth-console.tsv")) {
    if (row[3] == "bracketed") continue;  // [<...>] is printed as it is with kallsyms too
    std::string& line = lines[std::stoul(row[0]) - 1];
    size_t at = line.find("0x" + row[1]);
    REQUIRE(at != std::string::npos);
    line.replace(at, 2 + row[1].size(), row[8]);
  }
  std::string truth_log;
  for (const auto& l : lines) truth_log += l + "\n";
  Symbolizer none;
  auto truth = find_incidents(truth_log, Annotator(&none, {}));

  DecodeInputs in;
  in.map_path = kNoKallsyms + "System.map";
  in.modules_path = write_crashme_module_files(&in.kallsyms_path);
  std::string log = read_file(kNoKallsyms + "console.txt");
  DecodeSetup setup;
  std::string error;
  REQUIRE(prepare_decode(in, log, &setup, &error));
  auto decoded = find_incidents(log, Annotator(&setup.symbolizer, {}));
  // and without the map: addresses only, so no function to name
  auto raw = find_incidents(log, Annotator(&none, {}));

  REQUIRE(truth.size() >= 2);
  CHECK(truth[0].title == "WARNING in crashme_warn");
  CHECK(truth[1].title == "BUG: unable to handle kernel NULL pointer dereference in crashme_oops");
  REQUIRE(decoded.size() == truth.size());
  for (size_t i = 0; i < truth.size(); ++i) {
    INFO("incident " << i << ": " << truth[i].title);
    CHECK(decoded[i].title == truth[i].title);
    CHECK(decoded[i].fingerprint == truth[i].fingerprint);
    CHECK(decoded[i].function == truth[i].function);
    CHECK(decoded[i].module == truth[i].module);
    CHECK(decoded[i].frames == truth[i].frames);
  }
  REQUIRE(!raw.empty());
  CHECK(raw[0].title != truth[0].title);
  CHECK(raw[0].fingerprint != truth[0].fingerprint);
}

TEST_CASE("decode: --json and --incidents print valid UTF-8 JSON for any bytes", "[decode]") {
  // A damaged serial line and a Comm: in another encoding, in a report.
  std::string log =
      "[    1.000000] garbage \xff\xfe\xc3 here \xed\xa0\x80 and caf\xc3\xa9\n"
      "[    2.000000] ------------[ cut here ]------------\n"
      "[    2.000001] WARNING: CPU: 0 PID: 1 at fs/x.c:1 foo_warn+0x1/0x10\n"
      "[    2.000002] CPU: 0 PID: 1 Comm: b\xe4r\xff Not tainted 6.1.0 #1\n"
      "[    2.000003] Call Trace:\n"
      "[    2.000004]  <TASK>\n"
      "[    2.000005]  foo_write+0xf/0x9b\n"
      "[    2.000006]  </TASK>\n"
      "[    2.000007] ---[ end trace 0000000000000000 ]---\n";
  Symbolizer none;
  Annotator a(&none, {});
  std::string json_lines, incidents;
  decode_log(log, a, {false, true}, &json_lines);
  REQUIRE(decode_incidents(log, a, &incidents) == 1);
  CHECK(incidents.find("b\\\\xe4r\\\\xff") != std::string::npos);
  CHECK(
      json_lines.find("garbage \\\\xff\\\\xfe\\\\xc3 here \\\\xed\\\\xa0\\\\x80 and caf\xc3\xa9") !=
      std::string::npos);
  // judged by iconv, not by klogd's own UTF-8 reader
  std::string dir = temp_dir();
  for (const std::string* out : {&json_lines, &incidents}) {
    write_file(dir + "/out.json", *out);
    CHECK(run_command("iconv -f UTF-8 -t UTF-8 " + dir + "/out.json >/dev/null").status == 0);
  }
}
