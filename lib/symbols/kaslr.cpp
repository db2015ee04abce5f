#include "symbols/kaslr.h"

#include <elf.h>

#include <cstring>

#include "util/hex.h"

namespace klogd {

std::string describe_slide(int64_t slide, bool hide) {
  return hide ? std::string("(hidden)") : signed_hex(slide);
}

std::optional<int64_t> parse_kernel_offset_line(std::string_view text) {
  size_t at = text.find("Kernel Offset: ");
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view rest = text.substr(at + 15);
  if (rest.starts_with("disabled")) return 0;
  size_t p = 0;
  uint64_t v = 0;
  if (!read_0x_hex(rest, &p, &v)) return std::nullopt;
  return static_cast<int64_t>(v);
}

std::optional<uint64_t> runtime_text_from_kcore(std::string_view h, std::string* why) {
  if (h.size() < sizeof(Elf64_Ehdr) || std::memcmp(h.data(), ELFMAG, SELFMAG) != 0) {
    *why = "not an ELF file";
    return std::nullopt;
  }
  Elf64_Ehdr eh;
  std::memcpy(&eh, h.data(), sizeof eh);
  if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_type != ET_CORE) {
    *why = "not a 64-bit ELF core file";
    return std::nullopt;
  }
  if (eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phoff > h.size() ||
      eh.e_phnum > (h.size() - eh.e_phoff) / sizeof(Elf64_Phdr)) {
    *why = "program headers not readable";
    return std::nullopt;
  }
  for (size_t i = 0; i < eh.e_phnum; ++i) {
    Elf64_Phdr ph;
    std::memcpy(&ph, h.data() + eh.e_phoff + i * sizeof ph, sizeof ph);
    if (ph.p_type != PT_LOAD) continue;
    // The kernel image mapping: x86_64 puts it in [ffffffff80000000, ffffffffc0000000).
    if (ph.p_vaddr >= 0xffffffff80000000ull && ph.p_vaddr < 0xffffffffc0000000ull)
      return ph.p_vaddr;
  }
  *why = "no kernel text segment in the program headers";
  return std::nullopt;
}

bool config_disables_kaslr(std::string_view config) {
  if (config.find("# CONFIG_RANDOMIZE_BASE is not set") != std::string_view::npos) return true;
  return config.find("CONFIG_RANDOMIZE_BASE=y") == std::string_view::npos &&
         config.find("CONFIG_") != std::string_view::npos;
}

ChosenSlide choose_slide(const SlideEvidence& e) {
  if (e.given) return {e.given, "--kaslr-offset"};
  if (e.content) return {e.content, "kallsyms _text - map _text"};
  if (e.runtime_text) return {e.runtime_text, "/proc/kcore's kernel text segment - map _text"};
  if (e.kernel_offset) return {e.kernel_offset, "the log's Kernel Offset line"};
  if (!e.kaslr_off.empty()) return {0, "KASLR is off (" + e.kaslr_off + ")"};
  if (e.pairs)
    return {e.pairs,
            "raw addresses printed beside their symbols (" + std::to_string(e.pair_votes) + " pairs)"};
  return {std::nullopt, "none"};
}

}  // namespace klogd
