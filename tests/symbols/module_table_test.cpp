#include "symbols/module_table.h"

#include <catch2/catch.hpp>

#include "symbols/symbolizer.h"

using namespace klogd;

namespace {
// Shaped exactly like /proc/modules and /proc/kallsyms (module symbols unsorted, as the kernel
// prints them).
const char* kModules =
    "crashme 16384 0 - Live 0xffffffffc04aa000 (OE)\n"
    "dummy 16384 0 - Live 0xffffffffc04b0000\n"
    "loop 32768 0 - Live 0xffffffffc04a1000\n";
const char* kKallsyms =
    "ffffffff81000000 T _text\n"
    "ffffffffc04ab024 r _note_10\t[crashme]\n"
    "ffffffffc04aa163 t crashme_oops\t[crashme]\n"
    "ffffffffc04aa000 t crashme_raw\t[crashme]\n"
    "ffffffffc04aa060 t crashme_warn\t[crashme]\n"
    "ffffffffc04aa080 t crashme_write\t[crashme]\n"
    "ffffffffc04aa184 t crashme_write.cold\t[crashme]\n"
    "ffffffffc04aa18e t crashme_exit\t[crashme]\n"
    "ffffffffc04aa18e t cleanup_module\t[crashme]\n"
    "ffffffffc04b0010 t dummy_setup\t[dummy]\n"
    "ffffffffc04a1100 t lo_open\t[loop]\n"
    "ffffffffc04a1000 t lo_release\t[loop]\n"
    "ffffffffc0600000 t bpf_prog_6deef7357e7b4530_sd_fw_egress\t[bpf]\n"
    "ffffffffc0600100 t bpf_prog_aaaa_second\t[bpf]\n";

ModuleTable load(const char* mods = kModules, const char* syms = kKallsyms) {
  ModuleTable t;
  std::string err;
  REQUIRE(t.load_text(mods, syms, "modules", "kallsyms", &err));
  return t;
}
}  // namespace

TEST_CASE("module table: addresses inside, at the edges and past each module", "[module_table]") {
  auto t = load();
  const ModuleInfo* m = t.find_module(0xffffffffc04aa000);
  REQUIRE(m);
  CHECK(m->name == "crashme");
  CHECK(t.find_module(0xffffffffc04adfff)->name == "crashme");
  CHECK_FALSE(t.find_module(0xffffffffc04ae000));  // one past crashme's end (16384 bytes)
  CHECK(t.find_module(0xffffffffc04a1000)->name == "loop");
  CHECK(t.find_module(0xffffffffc04a8fff)->name == "loop");
  CHECK_FALSE(t.find_module(0xffffffffc04a0fff));
  CHECK(t.find_module(0xffffffffc04b3fff)->name == "dummy");
  CHECK_FALSE(t.find_module(0xffffffffc04b4000));
}

TEST_CASE("module table: symbols sorted, sized, the last bounded by the module's end",
          "[module_table]") {
  auto t = load();
  const ModuleInfo* m = t.find_module(0xffffffffc04aa0f9);
  auto h = t.lookup_symbol(*m, 0xffffffffc04aa0f9);
  REQUIRE(h);
  CHECK(h->name == "crashme_write");
  CHECK(h->offset == 0x79);
  CHECK(h->size == 0xe3);  // to crashme_oops
  h = t.lookup_symbol(*m, 0xffffffffc04aa005);
  CHECK(h->name == "crashme_raw");
  CHECK(h->size == 0x60);
  // last symbol: crashme_exit (ranked before cleanup_module), to the module's end
  h = t.lookup_symbol(*m, 0xffffffffc04aa190);
  REQUIRE(h);
  CHECK(h->name == "crashme_exit");
  CHECK(h->size == 0xffffffffc04ae000 - 0xffffffffc04aa18e);
  // loop's last symbol is bounded by loop's end, not by crashme's first symbol
  const ModuleInfo* loop = t.find_module(0xffffffffc04a1200);
  h = t.lookup_symbol(*loop, 0xffffffffc04a1200);
  CHECK(h->name == "lo_open");
  CHECK(h->size == 0xffffffffc04a9000 - 0xffffffffc04a1100);
  // before a module's first symbol: no symbol, but the module is known
  const ModuleInfo* dummy = t.find_module(0xffffffffc04b0004);
  CHECK_FALSE(t.lookup_symbol(*dummy, 0xffffffffc04b0004));
}

TEST_CASE("module table: pseudo-modules such as [bpf]", "[module_table]") {
  auto t = load();
  const ModuleInfo* m = t.find_module(0xffffffffc0600010);
  REQUIRE(m);
  CHECK(m->name == "bpf");
  CHECK_FALSE(m->listed);
  CHECK(t.lookup_symbol(*m, 0xffffffffc0600010)->name == "bpf_prog_6deef7357e7b4530_sd_fw_egress");
  // the last one's size is unknown: not resolved
  CHECK_FALSE(t.find_module(0xffffffffc0600110));
}

TEST_CASE("module table: BPF programs around listed modules, and the gaps between them",
          "[module_table]") {
  // [bpf] programs below and above two listed modules, as a machine with --modules shows them.
  auto t = load(
      "low 8192 0 - Live 0xffffffffc0200000\n"
      "high 4096 0 - Live 0xffffffffc0300000\n",
      "ffffffffc0200000 t low_f\t[low]\n"
      "ffffffffc0300000 t high_f\t[high]\n"
      "ffffffffc0100000 t bpf_prog_below\t[bpf]\n"
      "ffffffffc0400000 t bpf_prog_x\t[bpf]\n"
      "ffffffffc0400200 t bpf_prog_y\t[bpf]\n"
      "ffffffffc0400300 t bpf_prog_last\t[bpf]\n");
  Symbolizer s;
  s.set_modules(std::make_shared<ModuleTable>(t));
  // a program above the listed modules is named
  auto r = s.resolve(0xffffffffc0400010);
  REQUIRE(r);
  CHECK(r->symbol == "bpf_prog_x");
  CHECK(r->module == "bpf");
  CHECK(r->offset == 0x10);
  CHECK(r->size == 0x200);  // to the next program, not beyond
  CHECK(s.resolve(0xffffffffc0400210)->symbol == "bpf_prog_y");
  // below the listed modules: its extent stops at the first listed module
  r = s.resolve(0xffffffffc0100010);
  REQUIRE(r);
  CHECK(r->symbol == "bpf_prog_below");
  CHECK(r->size == 0x100000);
  // the listed modules keep their own addresses
  CHECK(s.resolve(0xffffffffc0200010)->symbol == "low_f");
  CHECK(s.resolve(0xffffffffc0300010)->symbol == "high_f");
  // between "low"'s end and "high", and between "high"'s end and the next program: nobody's
  CHECK_FALSE(s.resolve(0xffffffffc0250000));
  CHECK_FALSE(s.resolve(0xffffffffc034f000));
  // past the last program: its size is unknown
  CHECK_FALSE(s.resolve(0xffffffffc0400310));
}

TEST_CASE("module table: the symbolizer's three answers", "[module_table]") {
  Symbolizer s;
  s.set_modules(std::make_shared<ModuleTable>(load()));
  auto r = s.resolve(0xffffffffc04aa0f9);
  REQUIRE(r);
  CHECK(r->via == ResolvedVia::kModuleSymbol);
  CHECK(r->module == "crashme");
  r = s.resolve(0xffffffffc04b0004);
  REQUIRE(r);
  CHECK(r->via == ResolvedVia::kModuleRange);
  CHECK(r->offset == 4);
  CHECK_FALSE(s.resolve(0xffffffffc04ae000));
  // never a core name for a module address, even if a core table would "cover" it
  auto core = std::make_shared<SymbolTable>();
  std::string err;
  // a core table whose fake_core spans every module address
  REQUIRE(core->load_text("ffffffffc0000000 T fake_core\nffffffffd0000000 T fake_core_end\n",
                          "core", &err));
  CoreSymbols c;
  c.table = core;
  s.set_core(c);
  CHECK(s.resolve(0xffffffffc04aa0f9)->module == "crashme");
}

TEST_CASE("module table: a reload replaces a stale table", "[module_table]") {
  // crashme unloaded, another module loaded at the same address.
  auto before = std::make_shared<ModuleTable>(load());
  auto after = std::make_shared<ModuleTable>(
      load("other 8192 0 - Live 0xffffffffc04aa000\n", "ffffffffc04aa000 t other_func\t[other]\n"));
  Symbolizer s;
  s.set_modules(before);
  CHECK(s.resolve(0xffffffffc04aa010)->symbol == "crashme_raw");
  s.set_modules(after);
  auto r = s.resolve(0xffffffffc04aa010);
  CHECK(r->symbol == "other_func");
  CHECK(r->module == "other");
  CHECK(r->size == 0x2000);
  CHECK_FALSE(s.resolve(0xffffffffc04ac000));  // past "other", inside old crashme
}

TEST_CASE("module table: hidden bases and zero kallsyms addresses", "[module_table]") {
  auto t = load("crashme 12288 0 - Live 0x0000000000000000 (O)\n",
                "0000000000000000 t crashme_raw\t[crashme]\n");
  CHECK(t.hidden_bases());
  CHECK(t.report().zero_addresses == 1);
  CHECK_FALSE(t.find_module(0));
  CHECK_FALSE(t.find_module(0xffffffffc0056000));
}

TEST_CASE("module table: malformed /proc/modules lines are skipped and reported",
          "[module_table]") {
  auto t = load(
      "crashme 16384 0 - Live\n"  // missing the address
      "ok 4096 0 - Live 0xffffffffc0001000\n"
      "bad x 0 - Live 0xffffffffc0002000\n",
      "");
  CHECK(t.report().bad_lines == 2);
  REQUIRE(t.report().first_bad.size() == 2);
  CHECK(t.report().first_bad[0].find("line 1") != std::string::npos);
  CHECK(t.find_module(0xffffffffc0001000)->name == "ok");
}
