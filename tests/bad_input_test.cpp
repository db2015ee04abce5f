// Bad input, one test per row: no crash, a clear message, and the record still delivered
// (untranslated where it must be) whenever it can be.
#include <catch2/catch.hpp>

#include "annotate/record_processor.h"
#include "symbols/module_table.h"

using namespace klogd;

namespace {

struct Pipe {
  Symbolizer sym;
  Annotator annotator{&sym, {}};
  RecordProcessor processor{&annotator};
  std::vector<FinishedRecord> out;
  ParseError run(std::string_view raw) { return processor.process(raw, &out); }
  std::string line(size_t i = 0) {
    std::string s;
    append_klogd_line(out.at(i), out.at(i).text, &s);
    return s;
  }
};

SymbolTable table(std::string text, std::string* err, SymbolLoadReport* rep = nullptr) {
  SymbolTable t;
  t.load_text(std::move(text), "bad.map", err, rep);
  return t;
}

}  // namespace

TEST_CASE("bad input: record with NUL bytes", "[bad_input]") {
  Pipe p;
  CHECK(p.run(std::string("6,1,2,-;before\0after\n", 21)) == ParseError::kNulByte);
  REQUIRE(p.out.size() == 1);
  CHECK(p.out[0].text == std::string("before\0after", 12));   // decoded, as the kernel meant it
  CHECK(p.line() == "<6>[    0.000002] before\\x00after\n");  // one line, NUL escaped
  CHECK(p.processor.counters().malformed == 1);
  CHECK(p.processor.counters().salvaged == 1);
}

TEST_CASE("bad input: record over 8 KiB", "[bad_input]") {
  Pipe p;
  std::string big = "6,1,2,-;" + std::string(20000, 'x') + "\n";
  CHECK(p.run(big) == ParseError::kTooLong);
  REQUIRE(p.out.size() == 1);
  CHECK(p.out[0].text.find("[klogd: record cut, ") != std::string::npos);
  CHECK(p.out[0].text.find(" bytes not kept]") != std::string::npos);
  CHECK(p.out[0].text.size() < kMaxRecordBytes);
}

TEST_CASE("bad input: invalid escapes", "[bad_input]") {
  Pipe p;
  CHECK(p.run("6,1,2,-;a\\xZZ b\\x4 c\\\n") == ParseError::kOk);
  REQUIRE(p.out.size() == 1);
  CHECK(p.out[0].text == "a\\xZZ b\\x4 c\\");
}

TEST_CASE("bad input: non-UTF-8 bytes", "[bad_input]") {
  Pipe p;
  CHECK(p.run("6,1,2,-;caf\\xe9 \\xff\\xfe\n") == ParseError::kOk);
  REQUIRE(p.out.size() == 1);
  CHECK(p.out[0].text == "caf\xe9 \xff\xfe");
  CHECK(p.line() == "<6>[    0.000002] caf\xe9 \xff\xfe\n");  // bytes kept as they are
}

TEST_CASE("bad input: priority out of range", "[bad_input]") {
  Pipe p;
  CHECK(p.run("99999,7,2,-;strange prio\n") == ParseError::kBadNumber);
  REQUIRE(p.out.size() == 1);
  CHECK(p.out[0].synthetic);
  CHECK(p.out[0].text ==
        "klogd: malformed kernel record (non-numeric or out-of-range header field): "
        "99999,7,2,-;strange prio\\x0a");
}

TEST_CASE("bad input: sequence number going backwards", "[bad_input]") {
  Pipe p;
  p.run("6,100,2,-;a\n");
  p.run("6,50,3,-;b\n");
  p.run("6,51,4,-;c\n");
  REQUIRE(p.out.size() == 3);  // all delivered, no invented loss record
  CHECK(p.out[1].text == "b");
  CHECK(p.processor.counters().backwards == 1);
  CHECK(p.processor.counters().missed == 0);
}

TEST_CASE("bad input: map with CRLF line ends", "[bad_input]") {
  std::string err;
  auto t = table("ffffffff81000000 T a\r\nffffffff81000100 T b\r\nffffffff81000200 T c\r\n", &err);
  REQUIRE(err.empty());
  CHECK(t.lookup(0xffffffff81000105)->name == "b");
}

TEST_CASE("bad input: 32-bit addresses in a 64-bit map", "[bad_input]") {
  std::string err;
  SymbolLoadReport rep;
  auto t = table("ffffffff81000000 T a\nc0100000 T old\nffffffff81000100 T b\n", &err, &rep);
  CHECK(rep.bad_lines == 1);
  CHECK(rep.first_bad[0] ==
        "line 2: address width differs from the file's first text symbol: c0100000 T old");
  CHECK_FALSE(t.lookup(0xc0100004));
}

TEST_CASE("bad input: an unsorted map", "[bad_input]") {
  std::string err;
  auto t = table(
      "ffffffff81000200 T c\nffffffff81000000 T a\nffffffff81000100 T b\n"
      "ffffffff81000300 T end\n",
      &err);
  CHECK(t.lookup(0xffffffff81000150)->name == "b");
  CHECK(t.lookup(0xffffffff81000150)->size == 0x100);
}

TEST_CASE("bad input: duplicate addresses", "[bad_input]") {
  std::string err;
  auto t = table(
      "ffffffff81000000 t dup\nffffffff81000000 t dup\nffffffff81000000 W dup_weak\n"
      "ffffffff81000100 T end\n",
      &err);
  CHECK(t.lookup(0xffffffff81000004)->name == "dup");
  CHECK(t.size() == 2);
}

TEST_CASE("bad input: a 1000-character symbol name", "[bad_input]") {
  std::string err;
  std::string name(1000, 'n');
  auto t = table("ffffffff81000000 T " + name + "\nffffffff81000100 T end\n", &err);
  auto h = t.lookup(0xffffffff81000010);
  REQUIRE(h);
  CHECK(h->name == name);
  // and 70,000 characters: skipped with a message, not a crash
  SymbolLoadReport rep;
  table("ffffffff81000000 T " + std::string(70000, 'n') + "\nffffffff81000100 T x\n", &err, &rep);
  CHECK(rep.bad_lines == 1);
  CHECK(rep.first_bad[0].find("symbol name too long") != std::string::npos);
}

TEST_CASE("bad input: /proc/modules with a missing field", "[bad_input]") {
  ModuleTable m;
  std::string err;
  REQUIRE(m.load_text("ext4 16384 1 - Live\nok 4096 0 - Live 0xffffffffc0001000\n", "", "modules",
                      "kallsyms", &err));
  CHECK(m.report().bad_lines == 1);
  CHECK(m.report().first_bad[0] == "modules line 1: fewer than 6 fields: ext4 16384 1 - Live");
  CHECK(m.find_module(0xffffffffc0001000));
}

TEST_CASE("bad input: kallsyms with all-zero addresses", "[bad_input]") {
  std::string err;
  table("0000000000000000 T _text\n0000000000000000 T start_kernel\n", &err);
  CHECK(err ==
        "bad.map: every text symbol has address 0 (kernel pointers hidden: kptr_restrict, "
        "or no CAP_SYSLOG)");
  ModuleTable m;
  REQUIRE(m.load_text("", "0000000000000000 t f\t[mod]\n", "modules", "kallsyms", &err));
  CHECK(m.report().zero_addresses == 1);
  CHECK(m.empty());
  CHECK_FALSE(m.find_module(0));
}
