#pragma once
/// Symbol names as people read them. The kernel's lists (kallsyms, System.map, its traces) hold
/// Rust functions mangled (v0: "_RNvMNtCs..._11rust_binder7processNtB2_7Process10update_ref"),
/// and syzbot titles them demangled ("<rust_binder::process::Process>::update_ref"). libiberty's
/// demangler (the one binutils and gdb use) reads Rust v0 and legacy, and C++ ("_Z...").

#include <string>
#include <string_view>

namespace klogd {

/// Whether a name may be mangled (starts "_R" or "_Z"): only those are handed to the demangler.
bool looks_mangled(std::string_view name);

/// The demangled name ("fakeName(int, int, int)" for "_Z8fakeNameiii"), or the name itself when
/// it is not mangled or does not demangle.
std::string demangle(std::string_view name);
/// The same without a C++ function's parameter list ("fakeName"), as syzbot titles a crash:
/// what a title and a fingerprint name.
std::string demangle_name(std::string_view name);

}  // namespace klogd
