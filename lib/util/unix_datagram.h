#pragma once
/// A non-blocking AF_UNIX datagram socket connected to a path: how klogd reaches /dev/log, and
/// how it asks whether journald is there (connect() fails with ENOENT or ECONNREFUSED when not).

#include <string>

namespace klogd {

/// The connected fd, or -1 with "PATH: reason" in *err.
int connect_unix_datagram(const std::string& path, std::string* err);

}  // namespace klogd
