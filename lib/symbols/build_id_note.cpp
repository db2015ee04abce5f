#include "symbols/build_id_note.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>

#include "util/fd_io.h"
#include "util/hex.h"

namespace klogd {
namespace {

constexpr uint32_t kNtGnuBuildId = 3;

size_t padded(size_t n) { return (n + 3) & ~size_t{3}; }

uint32_t word(std::string_view s, size_t at) {
  uint32_t v;
  std::memcpy(&v, s.data() + at, sizeof v);
  return v;
}

}  // namespace

std::string gnu_build_id(std::string_view notes) {
  size_t at = 0;
  while (notes.size() - at >= 12) {
    const size_t namesz = word(notes, at), descsz = word(notes, at + 4);
    const uint32_t type = word(notes, at + 8);
    at += 12;
    if (namesz > notes.size() - at || padded(namesz) > notes.size() - at) return "";
    std::string_view name = notes.substr(at, namesz);
    at += padded(namesz);
    if (descsz > notes.size() - at) return "";
    std::string_view desc = notes.substr(at, descsz);
    at += std::min(padded(descsz), notes.size() - at);
    if (type == kNtGnuBuildId && name == std::string_view("GNU\0", 4) && !desc.empty())
      return hex_bytes(reinterpret_cast<const unsigned char*>(desc.data()), desc.size());
  }
  return "";
}

std::string read_build_id_note(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) return "";
  std::string notes;
  bool ok = read_all(fd, &notes, 64 * 1024);
  ::close(fd);
  return ok ? gnu_build_id(notes) : "";
}

std::string kernel_notes_path(const std::string& root) { return root + "/sys/kernel/notes"; }

std::string module_notes_path(std::string_view module, const std::string& root) {
  return root + "/sys/module/" + std::string(module) + "/notes/.note.gnu.build-id";
}

}  // namespace klogd
