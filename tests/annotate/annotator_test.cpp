#include "annotate/annotator.h"

#include <catch2/catch.hpp>

using namespace klogd;

namespace {

// A small kernel: core text at ffffffff81000000.., one module with symbols.
struct Fixture {
  Symbolizer sym;
  Fixture(bool verified = true) {
    auto t = std::make_shared<SymbolTable>();
    std::string err;
    REQUIRE(
        t->load_text("ffffffff81000000 T _text\n"
                     "ffffffff81000100 T do_work\n"
                     "ffffffff81000180 t helper\n"
                     "ffffffff810001b0 T kthreadd\n"
                     "ffffffff81000300 T _etext\n",
                     "map", &err));
    CoreSymbols core;
    core.table = t;
    core.verified = verified;
    sym.set_core(core);
    auto m = std::make_shared<ModuleTable>();
    REQUIRE(
        m->load_text("ext4 16384 1 - Live 0xffffffffc0100000\n"
                     "nosyms 4096 0 - Live 0xffffffffc0200000\n",
                     "ffffffffc0100000 t ext4_a\t[ext4]\n"
                     "ffffffffc0100040 T ext4_b\t[ext4]\n",
                     "modules", "kallsyms", &err));
    sym.set_modules(m);
  }
  std::string run(std::string_view text, AnnotationStyle style = AnnotationStyle::kKlogd) {
    AnnotatorOptions o;
    o.style = style;
    o.registers = true;
    return Annotator(&sym, o).annotate(text).text;
  }
};

}  // namespace

TEST_CASE("annotator: klogd's [<addr>] form, exactly as sysklogd printed it", "[annotator]") {
  Fixture f;
  CHECK(f.run("trace: [<ffffffff8100011a>] end") == "trace: [do_work+0x1a/0x80] end");
  // size printed with at least two hex digits ("0x%02x")
  CHECK(f.run("[<ffffffff810001b5>]") == "[kthreadd+0x5/0x150]");
  CHECK(f.run("[<ffffffff81000185>]") == "[helper+0x5/0x30]");
  // an address exactly at a symbol's start is translated (sysklogd never did)
  CHECK(f.run("[<ffffffff81000100>]") == "[do_work+0x0/0x80]");
  // module symbols as module:symbol, bounded by the module's end
  CHECK(f.run("[<ffffffffc0100044>]") == "[ext4:ext4_b+0x4/0x3fc0]");
  // a module with no symbols: name and offset
  CHECK(f.run("[<ffffffffc0200010>]") == "[nosyms+0x10]");
  // 32-bit addresses are found the same way (here: not in the table)
  CHECK(f.run("[<c010b860>]") == "[<c010b860>]");
}

TEST_CASE("annotator: unresolvable addresses leave the text untouched", "[annotator]") {
  Fixture f;
  for (std::string_view s : {"[<ffffffff80000000>]", "[<0000000000000000>]",
                             "[<ffffffff81000300>] past the end", "[<zz>] [<>] [<ffffffff8100011a]",
                             "RIP: 0033:0x000000000047b7a0", "0xffff8e4a82060300 data pointer"})
    CHECK(f.run(s) == s);
}

TEST_CASE("annotator: text the kernel already symbolized passes through", "[annotator]") {
  Fixture f;
  for (std::string_view s : {"RIP: 0010:do_work+0x1a/0x80", " ? do_work+0x1/0x2 [mod]",
                             "Call Trace:", " <TASK>", "Code: 48 c7 c7 <0f> 0b"})
    CHECK(f.run(s) == s);
}

TEST_CASE("annotator: 0x forms print as a kallsyms kernel would", "[annotator]") {
  Fixture f;
  CHECK(f.run("RIP: 0010:0xffffffff8100011a") == "RIP: 0010:do_work+0x1a/0x80");
  CHECK(f.run("WARNING: CPU: 0 PID: 1 at crashme.c:29 0xffffffffc0100044") ==
        "WARNING: CPU: 0 PID: 1 at crashme.c:29 ext4_b+0x4/0x3fc0 [ext4]");
  // trace entries are return addresses: address - 1, offset + 1 (%pB)
  CHECK(f.run(" 0xffffffff8100011a") == " do_work+0x1a/0x80");
  // a call as the last instruction: the return address is the next function's first byte
  CHECK(f.run(" ? 0xffffffff810001b0") == " ? helper+0x30/0x30");
  // outside a trace entry the same address is an exact lookup
  CHECK(f.run("at 0xffffffff810001b0 here") == "at kthreadd+0x0/0x150 here");
}

TEST_CASE("annotator: register values get a note, the line keeps its layout", "[annotator]") {
  Fixture f;
  CHECK(f.run("RAX: 0000000000000000 RBX: ffffffff81000105 RCX: ffff8e4a82060300") ==
        "RAX: 0000000000000000 RBX: ffffffff81000105 RCX: ffff8e4a82060300  {RBX: "
        "do_work+0x5/0x80}");
  CHECK(f.run("R10: ffffffffc0100001 R11: ffffffff81000181") ==
        "R10: ffffffffc0100001 R11: ffffffff81000181  {R10: ext4_a+0x1/0x40 [ext4], R11: "
        "helper+0x1/0x30}");
  CHECK(f.run("RSP: 0018:ffffcfab40013c40 EFLAGS: 00000282") ==
        "RSP: 0018:ffffcfab40013c40 EFLAGS: 00000282");
}

TEST_CASE("annotator: keep style and -x", "[annotator]") {
  Fixture f;
  CHECK(f.run("[<ffffffff8100011a>]", AnnotationStyle::kKeep) ==
        "[<ffffffff8100011a>] (do_work+0x1a/0x80)");
  CHECK(f.run(" 0xffffffffc0100044", AnnotationStyle::kKeep) ==
        " 0xffffffffc0100044 (ext4_b+0x4/0x3fc0 [ext4])");
  CHECK(f.run("[<ffffffff8100011a>]", AnnotationStyle::kNone) == "[<ffffffff8100011a>]");
}

TEST_CASE("annotator: an unverified map marks the line", "[annotator]") {
  Fixture f(/*verified=*/false);
  CHECK(f.run("[<ffffffff8100011a>]") == "[do_work+0x1a/0x80]" + std::string(kUnverifiedMark));
  // module lookups do not use the map: no mark
  CHECK(f.run("[<ffffffffc0100044>]") == "[ext4:ext4_b+0x4/0x3fc0]");
}

TEST_CASE("annotator: hidden addresses", "[annotator]") {
  Fixture f;
  AnnotatorOptions o;
  o.style = AnnotationStyle::kKeep;
  o.registers = true;
  o.hide_addresses = true;
  Annotator a(&f.sym, o);
  // named: the name stays, the address goes (kKeep prints like kKlogd)
  CHECK(a.annotate("[<ffffffff8100011a>] [<ffffffff80000001>]").text ==
        "[do_work+0x1a/0x80] [<(____ptrval____)>]");
  CHECK(a.annotate("0xffffffff80000001 0x0000000000001000").text ==
        "0x(____ptrval____) 0x0000000000001000");
  CHECK(a.annotate(" ? do_work+0x1a/0x80 0xffffffff8100011a").text.find("ffff") ==
        std::string::npos);
  // a register named: its value is the slide itself, masked beside the name
  CHECK(a.annotate("RAX: ffffffff8100011a RBX: ffff888003c8e000 RCX: 0000000000000000").text ==
        "RAX: (____ptrval____) RBX: (____ptrval____) RCX: 0000000000000000"
        "  {RAX: do_work+0x1a/0x80}");
  // a module address known by range only
  CHECK(a.annotate("[<ffffffffc0200010>]").text == "[nosyms+0x10]");
  CHECK(a.annotate("at 0xffffffffc0200010").text == "at 0x(____ptrval____) [nosyms+0x10]");
  // forms the annotator does not know
  CHECK(a.annotate("BUG: unable to handle page fault for address: ffffffff812123d3").text ==
        "BUG: unable to handle page fault for address: (____ptrval____)");
  CHECK(a.annotate("RIP: 0033:0x000000000047b7a0").text == "RIP: 0033:0x000000000047b7a0");
  Annotation an = a.annotate("Kernel Offset: 0x1be00000 from 0xffffffff81000000");
  CHECK(an.text == "Kernel Offset: (hidden) from 0x(____ptrval____)");
  CHECK(an.changed);
  CHECK_FALSE(an.translated);
  CHECK(a.may_change("no candidate at all"));
}

TEST_CASE("annotator: what was found is reported", "[annotator]") {
  Fixture f;
  Annotator a(&f.sym, {});
  Annotation an = a.annotate("[<ffffffff8100011a>] [<ffffffffc0100044>] [<ffffffff80000000>]");
  REQUIRE(an.found.size() == 3);
  CHECK(an.found[0].symbol == "do_work");
  CHECK(an.found[0].via == ResolvedVia::kCoreMap);
  CHECK(an.found[1].module == "ext4");
  CHECK(an.found[1].via == ResolvedVia::kModuleSymbol);
  CHECK_FALSE(an.found[2].resolved);
  CHECK(an.symbols_list() == "do_work+0x1a/0x80 ext4_b+0x4/0x3fc0 [ext4]");
}

TEST_CASE("annotator: core names need a known slide", "[annotator]") {
  Fixture f;
  CoreSymbols c = f.sym.core();
  c.slide = 0x1000000;
  f.sym.set_core(c);
  CHECK(f.run("[<ffffffff8200011a>]") == "[do_work+0x1a/0x80]");
  c.slide_known = false;
  f.sym.set_core(c);
  CHECK(f.run("[<ffffffff8200011a>]") == "[<ffffffff8200011a>]");
}

TEST_CASE("annotator: the panic's Kernel Offset line is left as the kernel wrote it",
          "[annotator]") {
  Fixture f;
  std::string line =
      "Kernel Offset: 0x0000000000000100 from 0xffffffff81000100 (relocation range: "
      "0xffffffff80000000-0xffffffffbfffffff)";
  CHECK(f.run(line) == line);  // 0xffffffff81000100 would name do_work
  CHECK(f.run("at 0xffffffff81000100") == "at do_work+0x0/0x80");
}
