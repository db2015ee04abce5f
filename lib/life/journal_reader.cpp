#include "life/journal_reader.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "util/plugin.h"

namespace klogd {
namespace {

constexpr const char* kJournalPlugin = "journal";

template <typename F>
F* plugin_function(const char* symbol, std::string* err) {
  return reinterpret_cast<F*>(plugin_symbol(kJournalPlugin, symbol, err));
}

std::string machine_id() {
  char buf[64] = {};
  int fd = ::open("/etc/machine-id", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return "";
  ssize_t n = ::read(fd, buf, sizeof buf - 1);
  ::close(fd);
  std::string id(buf, n > 0 ? static_cast<size_t>(n) : 0);
  while (!id.empty() && (id.back() == '\n' || id.back() == ' ')) id.pop_back();
  return id;
}

// The first *.journal file in `dir` that cannot be opened for reading: "FILE: why".
std::string unreadable_in(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (!d) return errno == ENOENT ? "" : dir + ": " + std::strerror(errno);
  std::string out;
  while (dirent* e = ::readdir(d)) {
    std::string_view name = e->d_name;
    if (name.size() < 8 || name.substr(name.size() - 8) != ".journal") continue;
    const std::string file = dir + "/" + std::string(name);
    int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd >= 0) {
      ::close(fd);
      continue;
    }
    if (errno == EACCES || errno == EPERM) {
      out = file + ": " + std::strerror(errno);
      break;
    }
  }
  ::closedir(d);
  return out;
}

}  // namespace

const std::string& JournalEntry::get(std::string_view name) const {
  static const std::string none;
  for (const auto& [k, v] : fields)
    if (k == name) return v;
  return none;
}

bool read_journal(const JournalRead& q, std::vector<JournalEntry>* out,
                  std::vector<std::string>* problems, std::string* err) {
  using Read =
      bool(const JournalRead&, std::vector<JournalEntry>*, std::vector<std::string>*, std::string*);
  auto f = plugin_function<Read>("klogd_journal_read", err);
  return f && f(q, out, problems, err);
}

bool journal_boots(const JournalPlace& place, std::vector<JournalBoot>* out, std::string* err) {
  using Boots = bool(const JournalPlace&, std::vector<JournalBoot>*, std::string*);
  auto f = plugin_function<Boots>("klogd_journal_boots", err);
  return f && f(place, out, err);
}

bool journal_before(const JournalPlace& place, const std::string& cursor,
                    const std::string& boot_id, size_t max, std::vector<JournalEntry>* out,
                    std::string* err) {
  using Before = bool(const JournalPlace&, const std::string&, const std::string&, size_t,
                      std::vector<JournalEntry>*, std::string*);
  auto f = plugin_function<Before>("klogd_journal_before", err);
  return f && f(place, cursor, boot_id, max, out, err);
}

std::string journal_access(const JournalPlace& place) {
  std::vector<std::string> dirs;
  if (!place.directory.empty()) {
    dirs.push_back(place.directory);
  } else {
    const std::string id = machine_id();
    if (id.empty()) return "";
    const std::string suffix = place.name_space.empty() ? id : id + "." + place.name_space;
    dirs = {"/run/log/journal/" + suffix, "/var/log/journal/" + suffix};
  }
  for (const std::string& d : dirs) {
    std::string why = unreadable_in(d);
    if (!why.empty()) return why;
  }
  return "";
}

}  // namespace klogd
