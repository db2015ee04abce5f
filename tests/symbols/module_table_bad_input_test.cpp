// Bad /proc/modules and kallsyms module lines, one test per row.
#include <catch2/catch.hpp>

#include "symbols/module_table.h"
#include "symbols/symbol_table.h"

using namespace klogd;

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
  SymbolTable t;
  t.load_text("0000000000000000 T _text\n0000000000000000 T start_kernel\n", "bad.map", &err);
  CHECK(err ==
        "bad.map: every text symbol has address 0 (kernel pointers hidden: kptr_restrict, "
        "or no CAP_SYSLOG)");
  ModuleTable m;
  REQUIRE(m.load_text("", "0000000000000000 t f\t[mod]\n", "modules", "kallsyms", &err));
  CHECK(m.report().zero_addresses == 1);
  CHECK(m.empty());
  CHECK_FALSE(m.find_module(0));
}
