#pragma once
/// --hide-addresses: the one function that takes every kernel-space value out of a text, in
/// whatever form it stands (a trace's [<...>], 0x..., a register's value, an address: field, a
/// bare word in a dump). Each becomes the mark the kernel itself prints for a pointer it may not
/// show, of the same width: "(____ptrval____)" for 16 hex digits, "(ptrval)" for 8, so a register
/// dump keeps its columns. Values that are no kernel address stay: zeros, small numbers, user
/// space (RIP: 0033:0x000000000047b7a0), and the bytes of a "Code:" line.
///
/// Kernel space: a 16-digit value with its top bit set (the upper half, where x86_64 and arm64
/// put the kernel: ffff8..., ffff0...); an 8-digit one (a 32-bit kernel) at or above 0xc0000000,
/// the usual PAGE_OFFSET. A "Kernel Offset: 0x..." line (the panic's statement of the slide) has
/// its offset masked too: the slide is what must not get out.

#include <cstdint>
#include <string>
#include <string_view>

namespace klogd {

inline constexpr std::string_view kMasked64 = "(____ptrval____)";
inline constexpr std::string_view kMasked32 = "(ptrval)";

/// Whether a value written with `digits` hex digits is a kernel-space address.
constexpr bool is_kernel_space(uint64_t v, size_t digits) {
  return digits == 16 ? (v >> 63) != 0 : digits == 8 && v >= 0xc0000000u;
}

/// `text` with every kernel-space value masked (see above). `kernel_bits`: 64, or 32 for a
/// 32-bit kernel (then 8-digit values are addresses too). Appends to *out; returns whether
/// anything was masked.
bool mask_kernel_addresses(std::string_view text, int kernel_bits, std::string* out);

/// The same, returning the text.
std::string masked_kernel_addresses(std::string_view text, int kernel_bits = 64);

}  // namespace klogd
