#include "util/address_mask.h"

#include <catch2/catch.hpp>

using namespace klogd;

TEST_CASE("address mask: every kernel-space value goes, in any form", "[address_mask]") {
  CHECK(masked_kernel_addresses("[<ffffffff812123d3>] 0xffffffffc0123456 ffff888003c8e000") ==
        "[<(____ptrval____)>] 0x(____ptrval____) (____ptrval____)");
  CHECK(masked_kernel_addresses("RSP: 0018:ffffc90000bcfd48 EFLAGS: 00010246") ==
        "RSP: 0018:(____ptrval____) EFLAGS: 00010246");
  CHECK(masked_kernel_addresses("addr=ffffffff81000000,len") == "addr=(____ptrval____),len");
  // arm64's kernel and linear map: upper half too
  CHECK(masked_kernel_addresses("pc : ffff800008123456 lr : ffff0000c0a1b2c3") ==
        "pc : (____ptrval____) lr : (____ptrval____)");
}

TEST_CASE("address mask: 0X and addresses glued to a word are masked too", "[address_mask]") {
  CHECK(masked_kernel_addresses("at 0XFFFFFFFF81000000 and 0Xffffffffc0123456") ==
        "at 0X(____ptrval____) and 0X(____ptrval____)");
  CHECK(masked_kernel_addresses("xffffffff81000000 ffffffff81000000g valffff888003c8e000z") ==
        "x(____ptrval____) (____ptrval____)g val(____ptrval____)z");
  CHECK(masked_kernel_addresses("at0xffffffff81000000,ptr=FFFF888003C8E000") ==
        "at0x(____ptrval____),ptr=(____ptrval____)");
}

TEST_CASE("address mask: what is no kernel address stays", "[address_mask]") {
  for (std::string_view s : {
           "RAX: 0000000000000000 RBX: 00007ffd3c1e8a40 RCX: 0000000000001000",
           "RIP: 0033:0x000000000047b7a0", "usb 1-1: new high-speed USB device number 2",
           "ffffffffffff",                      // 12 digits: not a 64-bit word
           "fingerprint 8f3a9c2e1b7d4f6a0c5e",  // 20 digits: an incident's fingerprint
       }) {
    CHECK(masked_kernel_addresses(s) == s);
  }
  // the instruction bytes of a Code: line
  std::string code = "Code: 48 89 e5 ffffffff81000000 <0f> 0b";
  CHECK(masked_kernel_addresses(code) == code);
  CHECK(masked_kernel_addresses("  Code: ffffffff81000000") == "  Code: ffffffff81000000");
}

TEST_CASE("address mask: 32-bit kernels and the panic's slide", "[address_mask]") {
  CHECK(masked_kernel_addresses("EIP: c1234567 ESP: bfff0000", 32) ==
        "EIP: (ptrval) ESP: bfff0000");
  CHECK(masked_kernel_addresses("EIP: c1234567", 64) == "EIP: c1234567");
  CHECK(masked_kernel_addresses("Kernel Offset: 0x1be00000 from 0xffffffff81000000 "
                                "(relocation range: 0xffffffff80000000-0xffffffffbfffffff)") ==
        "Kernel Offset: (hidden) from 0x(____ptrval____) (relocation range: "
        "0x(____ptrval____)-0x(____ptrval____))");
  CHECK(masked_kernel_addresses("Kernel Offset: disabled") == "Kernel Offset: disabled");
}
