#pragma once
/// What klogd says about the host it runs on: the boot id (restart continuity, RFC 5424 boot=) and
/// the host name (RFC 5424 HOSTNAME).

#include <string>

namespace klogd {

/// The boot id from `path` (KernelPaths::boot_id) without its newline; "" when it cannot be read.
std::string read_boot_id(const std::string& path);

/// gethostname(), or "" when the host has no name (formatters then write RFC 5424's "-").
std::string host_name();

}  // namespace klogd
