#pragma once
/// Evidence for the KASLR slide (runtime address = map address + slide) when kallsyms cannot
/// tell it. Pure parsing functions; the callers decide which evidence wins.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace klogd {

/// x86_64 / arm64 panic line: "Kernel Offset: 0x1be00000 from 0xffffffff81000000 (...)" gives
/// 0x1be00000; "Kernel Offset: disabled" gives 0. nullopt when the text is not such a line.
std::optional<int64_t> parse_kernel_offset_line(std::string_view text);

/// The slide as diagnostics print it: signed hex ("0x1be00000"), or "(hidden)" with
/// --hide-addresses (the slide undoes KASLR for anyone who reads it).
std::string describe_slide(int64_t slide, bool hide);

/// The runtime address of _text from /proc/kcore's ELF program headers: x86_64 and arm64 map
/// the kernel image from _text as a segment of its own (KCORE_TEXT), whose p_vaddr is _text.
/// slide = that - the map's _text. `elf_header` is the start of the file (a few KiB hold the
/// headers). nullopt, with *why, when it is not a 64-bit ELF core or has no such segment.
std::optional<uint64_t> runtime_text_from_kcore(std::string_view elf_header, std::string* why);

/// "CONFIG_RANDOMIZE_BASE is not set" (or no CONFIG_RANDOMIZE_BASE=y) in a kernel config.
bool config_disables_kaslr(std::string_view config);

}  // namespace klogd
