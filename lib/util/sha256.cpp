#include "util/sha256.h"

#include <dlfcn.h>
#include <openssl/opensslv.h>

#include <cstdio>
#include <cstdlib>
#include <mutex>

namespace klogd {
namespace {

#define KLOGD_STR2(x) #x
#define KLOGD_STR(x) KLOGD_STR2(x)
// the soname this was built against: "libcrypto.so.3"
constexpr const char* kLibcrypto = "libcrypto.so." KLOGD_STR(OPENSSL_SHLIB_VERSION);

struct Crypto {
  const void* (*sha256)() = nullptr;  // EVP_sha256
  int (*digest)(const void*, size_t, unsigned char*, unsigned int*, const void*,
                void*) = nullptr;  // EVP_Digest
};

const Crypto& crypto() {
  static Crypto c;
  static std::once_flag once;
  std::call_once(once, [] {
    void* h = ::dlopen(kLibcrypto, RTLD_NOW | RTLD_LOCAL);
    if (h) {
      c.sha256 = reinterpret_cast<const void* (*)()>(::dlsym(h, "EVP_sha256"));
      c.digest = reinterpret_cast<decltype(c.digest)>(::dlsym(h, "EVP_Digest"));
    }
    if (!c.sha256 || !c.digest) {
      std::fprintf(stderr, "klogd: %s cannot be loaded (%s): install libssl3\n", kLibcrypto,
                   h ? "no EVP_Digest" : ::dlerror());
      std::abort();
    }
  });
  return c;
}

}  // namespace

std::array<uint8_t, 32> sha256(std::string_view data) {
  const Crypto& c = crypto();
  std::array<uint8_t, 32> out{};
  unsigned int len = 0;
  c.digest(data.data(), data.size(), out.data(), &len, c.sha256(), nullptr);
  return out;
}

}  // namespace klogd
