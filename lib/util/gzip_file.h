#pragma once
/// Reading a gzip'ed file whole (/proc/config.gz), through zlib.

#include <cstddef>
#include <string>

namespace klogd {

/// False with a message naming the file when it cannot be opened, is not gzip, or holds more
/// than `max_bytes` once decompressed.
bool read_gzip_file(const std::string& path, std::string* out, std::string* err,
                    size_t max_bytes = size_t{1} << 30);

}  // namespace klogd
