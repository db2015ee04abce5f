#pragma once
/// The whole content of a file in memory, read once: mmap'ed for regular files (no copy, no
/// fresh pages to touch), read() into a string for /proc files and pipes, which cannot be
/// mapped or report size 0. Views handed out stay valid as long as the FileBuffer lives.

#include <functional>
#include <string>
#include <string_view>

namespace klogd {

class FileBuffer {
 public:
  FileBuffer() = default;
  ~FileBuffer();
  FileBuffer(FileBuffer&& other) noexcept;
  FileBuffer& operator=(FileBuffer&& other) noexcept;
  FileBuffer(const FileBuffer&) = delete;
  FileBuffer& operator=(const FileBuffer&) = delete;

  /// Loads `path`. Returns false with a message naming the file on any error, including a
  /// directory or a file larger than `max_bytes`.
  bool load(const std::string& path, std::string* err, size_t max_bytes = size_t{1} << 30);
  /// Takes ownership of bytes already in memory (tests, stdin).
  void assign(std::string bytes);

  std::string_view view() const { return {data_, size_}; }
  /// For a mapped file: drops its pages from this process's resident set (they stay in the page
  /// cache and fault back in when read). Used after a table was built, since afterwards only
  /// the few names that get printed are ever read. No effect on an owned buffer.
  void release_pages() const;
  /// The same for the bytes [begin, end) only (the whole pages inside them).
  void release_pages(size_t begin, size_t end) const;

 private:
  void reset();
  const char* data_ = nullptr;
  size_t size_ = 0;
  void* map_ = nullptr;  // non-null when data_ is an mmap of map_len_ bytes
  size_t map_len_ = 0;
  std::string owned_;
};

/// Calls fn for each line of a file (without its '\n'), reading it in chunks: for big /proc files
/// of which only a few lines are wanted. False with a message when the file cannot be read.
bool for_each_file_line(const std::string& path, const std::function<void(std::string_view)>& fn,
                        std::string* err);

/// Reads a small text file (e.g. /proc/sys/kernel/osrelease) whole; false with a message on error.
bool read_small_file(const std::string& path, std::string* out, std::string* err);

}  // namespace klogd
