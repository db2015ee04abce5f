#include "symbols/symbol_table.h"

#include <catch2/catch.hpp>

using namespace klogd;

namespace {
SymbolTable load(std::string text, std::string* err = nullptr, SymbolLoadReport* rep = nullptr) {
  SymbolTable t;
  std::string e;
  bool ok = t.load_text(std::move(text), "test.map", &e, rep);
  if (err) *err = e;
  if (!err) REQUIRE(ok);
  return t;
}
}  // namespace

TEST_CASE("symbol table: lookup gives symbol, offset and size", "[symbol_table]") {
  auto t = load(
      "ffffffff81000000 T _text\n"
      "ffffffff81000100 T first_func\n"
      "ffffffff81000180 t second_func\n"
      "ffffffff81000200 D some_data\n"
      "ffffffff81000300 T last_func\n"
      "ffffffff81000400 T _etext\n");
  auto h = t.lookup(0xffffffff8100011a);
  REQUIRE(h);
  CHECK(h->name == "first_func");
  CHECK(h->offset == 0x1a);
  CHECK(h->size == 0x80);
  // data symbols do not shorten a function
  h = t.lookup(0xffffffff81000250);
  REQUIRE(h);
  CHECK(h->name == "second_func");
  CHECK(h->size == 0x180);
  // exactly at a symbol's start: offset 0 (sysklogd never translated this)
  h = t.lookup(0xffffffff81000300);
  REQUIRE(h);
  CHECK(h->name == "last_func");
  CHECK(h->offset == 0);
}

TEST_CASE("symbol table: below the first and at/after the last symbol is not found",
          "[symbol_table]") {
  auto t = load("ffffffff81000100 T a\nffffffff81000200 T b\nffffffff81000300 T end_marker\n");
  CHECK_FALSE(t.lookup(0xffffffff810000ff));
  CHECK_FALSE(t.lookup(0));
  CHECK(t.lookup(0xffffffff810002ff));
  CHECK_FALSE(t.lookup(0xffffffff81000300));
  CHECK_FALSE(t.lookup(0xffffffffffffffff));
}

TEST_CASE("symbol table: shared addresses follow scripts/kallsyms.c", "[symbol_table]") {
  // strong over weak
  auto t =
      load("0000000000001000 W weak_one\n0000000000001000 T strong_one\n0000000000002000 T x\n");
  CHECK(t.lookup(0x1000)->name == "strong_one");
  // real names over linker-script markers
  t = load(
      "0000000000001000 T __sched_text_start\n0000000000001000 T __schedule\n"
      "0000000000002000 T x\n");
  CHECK(t.lookup(0x1000)->name == "__schedule");
  // fewer leading underscores
  t = load("0000000000001000 T __do_thing\n0000000000001000 T _do_thing\n0000000000002000 T x\n");
  CHECK(t.lookup(0x1000)->name == "_do_thing");
  // then file order (_text before _stext in System.map)
  t = load("0000000000001000 T _text\n0000000000001000 T _stext\n0000000000002000 T x\n");
  CHECK(t.lookup(0x1000)->name == "_text");
  CHECK(t.address_of("_stext") == 0x1000u);
  CHECK(t.alias_count() == 1);
  // the size runs to the next distinct address
  CHECK(t.lookup(0x1000)->size == 0x1000);
}

TEST_CASE("symbol table: linker marker rule is kallsyms.c's", "[symbol_table]") {
  CHECK(is_linker_script_marker("__start_foo"));
  CHECK(is_linker_script_marker("__stop_foo"));
  CHECK(is_linker_script_marker("__end_rodata"));
  CHECK(is_linker_script_marker("__sched_text_start"));
  CHECK(is_linker_script_marker("__entry_text_end"));
  CHECK_FALSE(is_linker_script_marker("_stext"));
  CHECK_FALSE(is_linker_script_marker("__schedule"));
  CHECK_FALSE(is_linker_script_marker("__x_end"));  // shorter than 8: never a marker
}

TEST_CASE("symbol table: an unsorted map is sorted", "[symbol_table]") {
  auto t = load(
      "0000000000003000 T c\n0000000000001000 T a\n0000000000002000 T b\n"
      "0000000000004000 T z\n");
  CHECK(t.lookup(0x1500)->name == "a");
  CHECK(t.lookup(0x2500)->name == "b");
  CHECK(t.lookup(0x3500)->name == "c");
}

TEST_CASE("symbol table: bad lines are skipped, counted and reported with line numbers",
          "[symbol_table]") {
  SymbolLoadReport rep;
  std::string err;
  auto t = load(
      "ffffffff81000000 T a\r\n"      // CRLF is fine
      "garbage\n"                     // line 2
      "zzzzzzzzzzzzzzzz T bad_hex\n"  // line 3
      "ffffffff81000100 T\n"          // line 4: no name
      "c0100000 T short_address\n"    // line 5: 32-bit address in a 64-bit map
      "ffffffff81000200 T " +
          std::string(1000, 'n') +
          "\n"  // a 1000-character name is fine
          "ffffffff81000300 D data\n"
          "ffffffff81000400 T b\n"
          "ffffffffc0000000 t modsym\t[mod]\n",
      &err, &rep);
  CHECK(err.empty());
  CHECK(rep.bad_lines == 4);
  REQUIRE(rep.first_bad.size() == 4);
  CHECK(rep.first_bad[0].starts_with("line 2: "));
  CHECK(rep.first_bad[1].starts_with("line 3: "));
  CHECK(rep.first_bad[3].starts_with("line 5: address width"));
  CHECK(rep.module_lines == 1);
  CHECK(rep.other_symbols == 1);
  CHECK(t.lookup(0xffffffff81000010)->name == "a");
  CHECK(t.lookup(0xffffffff81000210)->name.size() == 1000);
}

TEST_CASE("symbol table: Debian's placeholder is refused by name", "[symbol_table]") {
  std::string err;
  SymbolLoadReport rep;
  load("ffffffffffffffff B The real System.map is in the linux-image-6.1.0-56-amd64-dbg package\n",
       &err, &rep);
  CHECK(rep.placeholder);
  CHECK(err.find("placeholder") != std::string::npos);
  CHECK(err.find("linux-image-<version>-dbg") != std::string::npos);
}

TEST_CASE("symbol table: files that are not symbol tables are refused", "[symbol_table]") {
  std::string err;
  load("", &err);
  CHECK(err.find("empty") != std::string::npos);
  load("hello world\nthis is text\n", &err);
  CHECK(err.find("not a symbol table") != std::string::npos);
  load("ffffffff81000000 D only_data\n", &err);
  CHECK(err.find("no text symbol") != std::string::npos);
  load("0000000000000000 T a\n0000000000000000 t b\n", &err);
  CHECK(err.find("address 0") != std::string::npos);
  SymbolTable t;
  CHECK_FALSE(t.load_file("/nonexistent/System.map", &err));
  CHECK(err.find("/nonexistent/System.map") != std::string::npos);
  CHECK_FALSE(t.load_file("/", &err));
  CHECK(err.find("directory") != std::string::npos);
}

TEST_CASE("symbol table: the real Debian System.map resolves the corpus's core addresses",
          "[symbol_table]") {
  SymbolTable t;
  std::string err;
  REQUIRE(t.load_file(KLOGD_TEST_DATA "/debian/System.map", &err));
  // truth.tsv static_symbol column: runtime - slide 0x1be00000
  auto h = t.lookup(0xffffffff9d852dd0 - 0x1be00000);
  REQUIRE(h);
  CHECK(h->name == "schedule");
  CHECK(h->offset == 0);
  CHECK(h->size == 0xd0);
  h = t.lookup(0xffffffff9d807e3d - 0x1be00000);
  REQUIRE(h);
  CHECK(h->name == "_printk");
  CHECK(h->size == 0x83);
  CHECK(t.report().bad_lines == 0);
}

TEST_CASE("symbol table: the module lines of a kallsyms file, for the module table",
          "[symbol_table]") {
  SymbolTable t;
  std::string err;
  REQUIRE(
      t.load_text("ffffffff81000000 T _text\n"
                  "ffffffffc04aa000 t crashme_raw\t[crashme]\n"
                  "ffffffff81000100 T do_work\n"
                  "ffffffffc04b0010 t dummy_setup\t[dummy]",
                  "kallsyms", &err));
  CHECK(t.module_lines() ==
        "ffffffffc04aa000 t crashme_raw\t[crashme]\nffffffffc04b0010 t dummy_setup\t[dummy]\n");
}
