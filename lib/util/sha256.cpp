#include "util/sha256.h"

#include <dlfcn.h>
#include <nettle/sha2.h>

#include <cstdio>
#include <cstdlib>
#include <mutex>

#ifndef KLOGD_NETTLE_SONAME
#error "KLOGD_NETTLE_SONAME: the soname of the Nettle built against (lib/CMakeLists.txt)"
#endif

namespace klogd {
namespace {

struct Nettle {
  decltype(&nettle_sha256_init) init = nullptr;
  decltype(&nettle_sha256_update) update = nullptr;
  decltype(&nettle_sha256_digest) digest = nullptr;
};

const Nettle& nettle() {
  static Nettle n;
  static std::once_flag once;
  std::call_once(once, [] {
    void* h = ::dlopen(KLOGD_NETTLE_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (h) {
      n.init = reinterpret_cast<decltype(n.init)>(::dlsym(h, "nettle_sha256_init"));
      n.update = reinterpret_cast<decltype(n.update)>(::dlsym(h, "nettle_sha256_update"));
      n.digest = reinterpret_cast<decltype(n.digest)>(::dlsym(h, "nettle_sha256_digest"));
    }
    if (!n.init || !n.update || !n.digest) {
      std::fprintf(stderr, "klogd: %s cannot be loaded (%s): install libnettle8\n",
                   KLOGD_NETTLE_SONAME, h ? "no nettle_sha256_digest" : ::dlerror());
      std::abort();
    }
  });
  return n;
}

}  // namespace

std::array<uint8_t, 32> sha256(std::string_view data) {
  const Nettle& n = nettle();
  sha256_ctx ctx;
  n.init(&ctx);
  n.update(&ctx, data.size(), reinterpret_cast<const uint8_t*>(data.data()));
  std::array<uint8_t, 32> out{};
  n.digest(&ctx, out.size(), out.data());
  return out;
}

}  // namespace klogd
