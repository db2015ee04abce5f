#pragma once
/// Reading a gzip'ed file whole (/proc/config.gz), through zlib.

#include <string>

namespace klogd {

/// False with a message naming the file when it cannot be opened or is not gzip.
bool read_gzip_file(const std::string& path, std::string* out, std::string* err);

}  // namespace klogd
