#pragma once
/// SHA-256 from OpenSSL's libcrypto, loaded the first time a digest is made (an incident's
/// fingerprint, a pstore dump's key): a daemon that sees no crash never maps libcrypto (1.4 MB
/// resident once loaded). Thread-safe.

#include <array>
#include <cstdint>
#include <string_view>

namespace klogd {

/// The SHA-256 digest of `data`. libcrypto is a dependency of the package: should it still be
/// missing, the process stops with a message (a fingerprint cannot be made another way).
std::array<uint8_t, 32> sha256(std::string_view data);

}  // namespace klogd
