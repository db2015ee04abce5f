#pragma once
/// Evidence for the KASLR slide (runtime address = map address + slide) when kallsyms cannot
/// tell it. Pure parsing functions; the callers decide which evidence wins.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "symbol_table.h"

namespace klogd {

/// x86_64 / arm64 panic line: "Kernel Offset: 0x1be00000 from 0xffffffff81000000 (...)" gives
/// 0x1be00000; "Kernel Offset: disabled" gives 0. nullopt when the text is not such a line.
std::optional<int64_t> parse_kernel_offset_line(std::string_view text);

/// The runtime address of _text from /proc/kcore's ELF program headers: x86_64 and arm64 map
/// the kernel image from _text as a segment of its own (KCORE_TEXT), whose p_vaddr is _text.
/// slide = that - the map's _text. `elf_header` is the start of the file (a few KiB hold the
/// headers). nullopt, with *why, when it is not a 64-bit ELF core or has no such segment.
std::optional<uint64_t> runtime_text_from_kcore(std::string_view elf_header, std::string* why);

/// "CONFIG_RANDOMIZE_BASE is not set" (or no CONFIG_RANDOMIZE_BASE=y) in a kernel config.
bool config_disables_kaslr(std::string_view config);

/// A symbol the kernel printed itself: "name+0xOFF/0xSIZE", optionally followed by " [mod]".
struct PrintedSymbol {
  std::string name;
  uint64_t offset = 0;
  uint64_t size = 0;
  std::string module;  ///< empty for core kernel
};
/// Every printed symbol in one line of text.
std::vector<PrintedSymbol> find_printed_symbols(std::string_view text);

/// Offline version check without kallsyms: each core symbol the kernel printed must exist in
/// the map with the same size. Returns how many agreed; *disagreement names the first one that
/// did not ("name: log says size 0x80, map says 0x90" / "name: not in the map").
struct PrintedCheck {
  size_t checked = 0;
  size_t agreed = 0;
  std::string disagreement;
};
PrintedCheck check_printed_symbols(const std::vector<PrintedSymbol>& printed,
                                   const SymbolTable& map);

}  // namespace klogd
