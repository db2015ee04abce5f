#pragma once
/// The read and write loops around a file descriptor: EINTR retried, partial transfers continued.

#include <cstddef>
#include <string>
#include <string_view>

namespace klogd {

/// Writes all of `data`. False on an error other than EINTR, with errno set and *written (when
/// given) holding what was written before it.
bool write_all(int fd, std::string_view data, size_t* written = nullptr);

/// Appends everything `fd` yields until end of file. False on a read error (errno set) or when
/// more than `max_bytes` would be read (errno = EFBIG).
bool read_all(int fd, std::string* out, size_t max_bytes = size_t{1} << 30);

/// Opens (creating, `mode`) a state file klogd keeps, read and write, never through a symbolic
/// link and only a regular file: klogd opens it as root. -1 with *err ("PATH: not a regular
/// file", or the reason) otherwise.
int open_state_file(const std::string& path, unsigned mode, std::string* err);

}  // namespace klogd
