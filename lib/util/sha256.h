#pragma once
/// SHA-256 from Nettle (GnuTLS's cryptography library, on every Debian host), loaded the first
/// time a digest is made (an incident's fingerprint, a pstore dump's key): a daemon that sees no
/// crash never maps it. Nettle, not OpenSSL's libcrypto: loading libcrypto and its providers
/// cost the first crash 1.5-1.9 ms, Nettle 0.15 ms. Thread-safe.

#include <array>
#include <cstdint>
#include <string_view>

namespace klogd {

/// The SHA-256 digest of `data`. Nettle is a dependency of the package: should it still be
/// missing, the process stops with a message (a fingerprint cannot be made another way).
std::array<uint8_t, 32> sha256(std::string_view data);

}  // namespace klogd
