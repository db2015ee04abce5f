#pragma once
/// Evidence for the KASLR slide (runtime address = map address + slide), and the one rule of
/// which evidence wins (choose_slide), for the daemon's map selection and `--decode` alike.
/// Pure functions.

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

/// What is known of the slide, each piece optional. Strongest first:
struct SlideEvidence {
  std::optional<int64_t> given;         ///< --kaslr-offset: the user knows
  std::optional<int64_t> content;       ///< a kallsyms whose symbols the map matched: _text - _text
  std::optional<int64_t> runtime_text;  ///< /proc/kcore's kernel text segment - the map's _text
  std::optional<int64_t> kernel_offset;  ///< the log's "Kernel Offset:" line (the panic's)
  std::string kaslr_off;  ///< why KASLR is known to be off ("nokaslr on ..."), "" when not known
  /// Raw addresses printed beside the symbols they are (pre-4.x traces): the slide most of them
  /// vote for, and how many do.
  std::optional<int64_t> pairs;
  size_t pair_votes = 0;
};

struct ChosenSlide {
  std::optional<int64_t> slide;  ///< nullopt: nothing tells it (core addresses stay as printed)
  std::string source;            ///< the evidence used, for the user
};

/// The strongest evidence present: given, content, runtime text, Kernel Offset, KASLR off, pairs.
ChosenSlide choose_slide(const SlideEvidence& e);

}  // namespace klogd
