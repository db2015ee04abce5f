#include "symbols/kaslr.h"

#include <elf.h>

#include <catch2/catch.hpp>
#include <cstring>

#include "symbols/printed_symbols.h"

using namespace klogd;

namespace {
// The start of a /proc/kcore as x86_64 lays it out: an ELF64 core with a note, the direct map,
// vmalloc, and the kernel text segment (KCORE_TEXT) at _text.
std::string fake_kcore(uint64_t text, bool with_text = true) {
  std::vector<Elf64_Phdr> ph;
  Elf64_Phdr note{};
  note.p_type = PT_NOTE;
  ph.push_back(note);
  auto load = [&](uint64_t va, uint64_t size) {
    Elf64_Phdr p{};
    p.p_type = PT_LOAD;
    p.p_vaddr = va;
    p.p_memsz = size;
    ph.push_back(p);
  };
  load(0xffffa2f500000000ull, 0x40000000);  // direct map
  if (with_text) load(text, 0x2e00000);     // kernel text
  load(0xffffffffc0000000ull, 0x3f000000);  // modules
  Elf64_Ehdr eh{};
  std::memcpy(eh.e_ident, ELFMAG, SELFMAG);
  eh.e_ident[EI_CLASS] = ELFCLASS64;
  eh.e_ident[EI_DATA] = ELFDATA2LSB;
  eh.e_type = ET_CORE;
  eh.e_phoff = sizeof eh;
  eh.e_phentsize = sizeof(Elf64_Phdr);
  eh.e_phnum = static_cast<uint16_t>(ph.size());
  std::string out(reinterpret_cast<const char*>(&eh), sizeof eh);
  out.append(reinterpret_cast<const char*>(ph.data()), ph.size() * sizeof(Elf64_Phdr));
  return out;
}
}  // namespace

TEST_CASE("kaslr: _text from /proc/kcore's program headers", "[kaslr]") {
  std::string why;
  auto t = runtime_text_from_kcore(fake_kcore(0xffffffff99e00000ull), &why);
  REQUIRE(t);
  CHECK(*t == 0xffffffff99e00000ull);
  CHECK_FALSE(runtime_text_from_kcore(fake_kcore(0, false), &why));
  CHECK(why.find("no kernel text segment") != std::string::npos);
  CHECK_FALSE(runtime_text_from_kcore("not an elf", &why));
  CHECK(why == "not an ELF file");
  std::string truncated = fake_kcore(0xffffffff99e00000ull).substr(0, 80);
  CHECK_FALSE(runtime_text_from_kcore(truncated, &why));
}

TEST_CASE("kaslr: kernel config says whether KASLR can be on", "[kaslr]") {
  CHECK(config_disables_kaslr("CONFIG_X=y\n# CONFIG_RANDOMIZE_BASE is not set\n"));
  CHECK_FALSE(config_disables_kaslr("CONFIG_X=y\nCONFIG_RANDOMIZE_BASE=y\n"));
  CHECK(config_disables_kaslr("CONFIG_X86_32=y\n"));  // no such option at all
  CHECK_FALSE(config_disables_kaslr(""));
}

TEST_CASE("kaslr: printed symbols are found with their module", "[kaslr]") {
  auto p =
      find_printed_symbols("RIP: 0010:crashme_warn+0x11/0x20 [crashme] and vfs_write+0xc7/0x3f0");
  REQUIRE(p.size() == 2);
  CHECK(p[0].name == "crashme_warn");
  CHECK(p[0].offset == 0x11);
  CHECK(p[0].size == 0x20);
  CHECK(p[0].module == "crashme");
  CHECK(p[1].name == "vfs_write");
  CHECK(p[1].module.empty());
  CHECK(find_printed_symbols("0x1+0x2 +0x3/ x+0x/0x1 a+0x1/0xg").empty());
}

TEST_CASE("kaslr: a module's build ID printed beside it (CONFIG_STACKTRACE_BUILD_ID)", "[kaslr]") {
  auto p = find_printed_symbols(
      " mod_write+0x9/0x17 [module_test 4A1B8EBB64E1E54EAE2C962F7587FFBA4A1B8EBB] x+0x1/0x2 [m zz]");
  REQUIRE(p.size() == 2);
  CHECK(p[0].module == "module_test");
  CHECK(p[0].build_id == "4a1b8ebb64e1e54eae2c962f7587ffba4a1b8ebb");
  CHECK(p[1].module == "m");
  CHECK(p[1].build_id.empty());  // not hex: no build ID
}
