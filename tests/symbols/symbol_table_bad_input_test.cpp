// Bad maps, one test per row: no crash, bad lines skipped, counted and named, and what can be
// kept still resolves.
#include <catch2/catch.hpp>

#include "symbols/symbol_table.h"
#include "test_util.h"

using namespace klogd;

namespace {

SymbolTable table(std::string text, std::string* err, SymbolLoadReport* rep = nullptr) {
  SymbolTable t;
  t.load_text(std::move(text), "bad.map", err, rep);
  return t;
}

}  // namespace

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

TEST_CASE("bad input: a gzip'ed map is read, binary junk refused without its bytes",
          "[bad_input]") {
  std::string dir = klogd::test::temp_dir();
  klogd::test::write_file(dir + "/System.map",
                          "ffffffff81000000 T a\nffffffff81000100 T b\nffffffff81000200 T c\n");
  REQUIRE(klogd::test::run_command("gzip -k " + dir + "/System.map").status == 0);
  SymbolTable t;
  std::string err;
  REQUIRE(t.load_file(dir + "/System.map.gz", &err));
  CHECK(t.lookup(0xffffffff81000105)->name == "b");
  std::string junk =
      "\x7f"
      "ELF\x02\x01\x01\xff\xfe\n\x01\x02\x80\x90 T x\n";
  klogd::test::write_file(dir + "/junk", junk);
  CHECK_FALSE(t.load_file(dir + "/junk", &err));
  INFO(err);
  for (char c : err)
    CHECK((static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7f));
  klogd::test::write_file(dir + "/bad.gz", std::string("\x1f\x8b\x08\x00garbage", 12));
  CHECK_FALSE(t.load_file(dir + "/bad.gz", &err));
  CHECK(err == dir + "/bad.gz: not readable as gzip");
}

TEST_CASE("bad input: a big map read in two halves reports as one pass does", "[bad_input]") {
  // 2 MB of lines (two threads read it), a bad line in each half, the second half's addresses
  // out of order at the seam, and a width that differs only in the second half
  std::string text;
  char line[64];
  const int n = 60000;
  for (int i = 0; i < n; ++i) {
    if (i == 10) text += "not a line\n";
    if (i == n - 5) text += "c0100000 T narrow\n";
    const uint64_t address = 0xffffffff81000000ull + static_cast<uint64_t>(i) * 0x10;
    std::snprintf(line, sizeof line, "%016llx T symbol_%06d_padding\n",
                  static_cast<unsigned long long>(i == n / 2 + 100 ? address - 0x808 : address), i);
    text += line;
  }
  REQUIRE(text.size() > (size_t{1} << 21));
  std::string err;
  SymbolLoadReport rep;
  auto t = table(text, &err, &rep);
  INFO(err);
  REQUIRE(err.empty());
  CHECK(rep.lines == static_cast<size_t>(n) + 2);
  CHECK(rep.text_symbols == static_cast<size_t>(n));
  CHECK(rep.bad_lines == 2);
  REQUIRE(rep.first_bad.size() == 2);
  CHECK(rep.first_bad[0].rfind("line 11: ", 0) == 0);
  CHECK(rep.first_bad[1].rfind("line " + std::to_string(n - 5 + 2) + ": address width", 0) == 0);
  CHECK(t.lookup(0xffffffff81000000ull + 0x10 * 7 + 3)->name == "symbol_000007_padding");
  CHECK(t.lookup(0xffffffff81000000ull + 0x10 * (n - 2))->name ==
        "symbol_0" + std::to_string(n - 2) + "_padding");
  CHECK(t.lookup(0xffffffff81000000ull + 0x10 * (n / 2 + 100) - 0x808)->name ==
        "symbol_030100_padding");  // sorted although the seam was out of order
}

TEST_CASE("bad input: a big map whose second half has another address width", "[bad_input]") {
  std::string text;
  char line[64];
  const int n = 40000;  // 16 digits, then 8: the first text symbol's width is the file's
  for (int i = 0; i < n; ++i) {
    std::snprintf(line, sizeof line, "%016llx T wide_symbol_%06d\n",
                  0xffffffff81000000ull + static_cast<unsigned long long>(i) * 0x10, i);
    text += line;
  }
  for (int i = 0; i < n; ++i) {
    std::snprintf(line, sizeof line, "%08x T narrow_symbol_%06d\n", 0xc0100000u + i * 0x10u, i);
    text += line;
  }
  REQUIRE(text.size() > (size_t{1} << 21));
  std::string err;
  SymbolLoadReport rep;
  auto t = table(text, &err, &rep);
  REQUIRE(err.empty());
  CHECK(rep.address_digits == 16);
  CHECK(rep.text_symbols == static_cast<size_t>(n));
  CHECK(rep.bad_lines == static_cast<size_t>(n));
  REQUIRE(!rep.first_bad.empty());
  CHECK(rep.first_bad[0].rfind("line " + std::to_string(n + 1) + ": address width", 0) == 0);
}
