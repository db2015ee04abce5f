#include "util/demangle.h"

#include <catch2/catch.hpp>

using namespace klogd;

TEST_CASE("demangle: Rust v0 and C++ as binutils reads them, anything else as it is", "[util]") {
  CHECK(demangle("_RNvMNtCs1234_11rust_binder7processNtB2_7Process10update_ref") ==
        "<rust_binder::process::Process>::update_ref");
  CHECK(demangle("_RNvCs1234_7___rustc17rust_begin_unwind") == "__rustc::rust_begin_unwind");
  CHECK(demangle("_Z8fakeNameiii") == "fakeName(int, int, int)");
  // what titles name: without the parameters, as syzbot's titles do
  CHECK(demangle_name("_Z8fakeNameiii") == "fakeName");
  CHECK(demangle_name("_ZN2ns5Klass6methodEv") == "ns::Klass::method");
  CHECK(demangle_name("_RNvCs1234_7___rustc17rust_begin_unwind") == "__rustc::rust_begin_unwind");
  CHECK(demangle_name("vfs_write") == "vfs_write");
  CHECK(demangle("vfs_write") == "vfs_write");
  CHECK(demangle("_Rubbish") == "_Rubbish");  // looks mangled, is not: kept
  CHECK(demangle("_ZZZ") == "_ZZZ");
  CHECK(demangle("") == "");
  CHECK_FALSE(looks_mangled("__x64_sys_write"));
  CHECK(looks_mangled("_RNvCs1_1a1b"));
}
