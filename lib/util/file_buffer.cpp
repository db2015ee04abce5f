#include "util/file_buffer.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <functional>

#include "util/fd_io.h"

namespace klogd {
namespace {

std::string errno_message(const std::string& path) { return path + ": " + std::strerror(errno); }

}  // namespace

FileBuffer::~FileBuffer() { reset(); }

FileBuffer::FileBuffer(FileBuffer&& other) noexcept { *this = std::move(other); }

FileBuffer& FileBuffer::operator=(FileBuffer&& other) noexcept {
  if (this == &other) return *this;
  reset();
  map_ = other.map_;
  map_len_ = other.map_len_;
  owned_ = std::move(other.owned_);
  data_ = map_ ? other.data_ : owned_.data();
  size_ = other.size_;
  other.map_ = nullptr;
  other.map_len_ = 0;
  other.data_ = nullptr;
  other.size_ = 0;
  return *this;
}

void FileBuffer::reset() {
  if (map_) ::munmap(map_, map_len_);
  map_ = nullptr;
  map_len_ = 0;
  owned_.clear();
  data_ = nullptr;
  size_ = 0;
}

void FileBuffer::release_pages() const {
  if (!map_) return;
  ::madvise(map_, map_len_, MADV_DONTNEED);
  // From now on a name is read here and there: each read maps its own page only (no
  // fault-around of 16 pages, no readahead), so a few hundred reads cost a few hundred pages.
  ::madvise(map_, map_len_, MADV_RANDOM);
}

void FileBuffer::release_pages(size_t begin, size_t end) const {
  if (!map_) return;
  const size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
  const size_t from = (begin + page - 1) / page * page, to = std::min(end, map_len_) / page * page;
  if (to > from) ::madvise(static_cast<char*>(map_) + from, to - from, MADV_DONTNEED);
}

bool for_each_file_line(const std::string& path, const std::function<void(std::string_view)>& fn,
                        std::string* err) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *err = errno_message(path);
    return false;
  }
  std::string carry;
  char chunk[65536];
  for (;;) {
    ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n < 0) {
      if (errno == EINTR) continue;
      *err = errno_message(path);
      ::close(fd);
      return false;
    }
    if (n == 0) break;
    std::string_view data(chunk, static_cast<size_t>(n));
    while (!data.empty()) {
      size_t nl = data.find('\n');
      if (nl == std::string_view::npos) {
        carry.append(data);
        break;
      }
      if (carry.empty()) {
        fn(data.substr(0, nl));
      } else {
        carry.append(data.substr(0, nl));
        fn(carry);
        carry.clear();
      }
      data.remove_prefix(nl + 1);
    }
  }
  if (!carry.empty()) fn(carry);
  ::close(fd);
  return true;
}

void FileBuffer::assign(std::string bytes) {
  reset();
  owned_ = std::move(bytes);
  data_ = owned_.data();
  size_ = owned_.size();
}

bool FileBuffer::load(const std::string& path, std::string* err, size_t max_bytes) {
  reset();
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *err = errno_message(path);
    return false;
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    *err = errno_message(path);
    ::close(fd);
    return false;
  }
  if (S_ISDIR(st.st_mode)) {
    *err = path + ": is a directory";
    ::close(fd);
    return false;
  }
  if (S_ISREG(st.st_mode) && st.st_size > 0) {
    auto len = static_cast<size_t>(st.st_size);
    if (len > max_bytes) {
      *err = path + ": file is larger than " + std::to_string(max_bytes) + " bytes";
      ::close(fd);
      return false;
    }
    // not MAP_POPULATE: a parse that gives pages back as it goes never holds the file whole
    void* p = ::mmap(nullptr, len, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p != MAP_FAILED) {
      ::madvise(p, len, MADV_SEQUENTIAL);
      map_ = p;
      map_len_ = len;
      data_ = static_cast<const char*>(p);
      size_ = len;
      ::close(fd);
      return true;
    }
  }
  // /proc files report size 0 and some cannot be mapped: read them.
  std::string bytes;
  bool ok = read_all(fd, &bytes, max_bytes);
  if (!ok)
    *err = errno == EFBIG ? path + ": file is larger than " + std::to_string(max_bytes) + " bytes"
                          : errno_message(path);
  ::close(fd);
  if (!ok) return false;
  assign(std::move(bytes));
  return true;
}

bool read_small_file(const std::string& path, std::string* out, std::string* err) {
  FileBuffer fb;
  if (!fb.load(path, err, 1 << 20)) return false;
  out->assign(fb.view());
  return true;
}

}  // namespace klogd
