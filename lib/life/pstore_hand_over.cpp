#include "life/pstore_hand_over.h"

#include <fcntl.h>
#include <pwd.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "life/modes.h"
#include "pstore/previous_boot.h"
#include "pstore/pstore_record.h"

namespace klogd {
namespace {

namespace fs = std::filesystem;

// The bytes of a regular file (not a link, not a FIFO), at most kMaxPstoreText; false when it
// is none of those or no dump by its first bytes.
bool read_dump(const std::string& path, std::string* bytes, std::string* err) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) return false;
  struct stat st {};
  bool ok = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
            static_cast<uint64_t>(st.st_size) <= kMaxPstoreText;
  if (ok) {
    bytes->resize(static_cast<size_t>(st.st_size) + 1);
    ssize_t n = ::pread(fd, bytes->data(), bytes->size(), 0);
    ok = n >= 0 && static_cast<size_t>(n) <= static_cast<size_t>(st.st_size);
    if (!ok) *err = path + ": " + std::strerror(errno);
    bytes->resize(ok ? static_cast<size_t>(n) : 0);
  }
  ::close(fd);
  if (!ok) return false;
  const DumpForm f = dump_form(std::string_view(*bytes).substr(0, 4096));
  if (f == DumpForm::kOtherText) return false;
  if (f == DumpForm::kBinary) {  // a record kept compressed, or something else (a vmcore)
    std::string text, why;
    inflate_pstore(std::string_view(*bytes).substr(0, 4096), &text, &why);
    return dump_form(std::string_view(text).substr(0, 4096)) == DumpForm::kPstoreRecord;
  }
  return true;
}

// DIR/var-lib-systemd-pstore/dmesg-ramoops-0: a copy keeps its file's name (part of a dump's
// identity, pstore_dump_key), in a folder that says where it came from.
bool write_copy(const std::string& dir, const std::string& original, const std::string& bytes,
                const struct passwd* owner, std::string* err) {
  std::string where = fs::path(original).parent_path().string().substr(1);
  for (char& c : where)
    if (c == '/') c = '-';
  const std::string folder = dir + "/" + where;
  if (::mkdir(folder.c_str(), 0700) == 0 && owner)
    if (::chown(folder.c_str(), owner->pw_uid, owner->pw_gid) != 0) {
      *err = folder + ": " + std::strerror(errno);
      return false;
    }
  const std::string path = folder + "/" + fs::path(original).filename().string();
  ::unlink(path.c_str());  // an older copy of the same file: this one replaces it
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    *err = path + ": " + std::strerror(errno);
    return false;
  }
  bool ok = ::write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size());
  if (ok && owner) ok = ::fchown(fd, owner->pw_uid, owner->pw_gid) == 0;
  if (!ok) *err = path + ": " + std::strerror(errno);
  ::close(fd);
  return ok;
}

}  // namespace

HandOver hand_over_pstore(const std::vector<std::string>& from, const std::string& dir,
                          const std::string& owner) {
  HandOver h;
  const struct passwd* pw = owner.empty() ? nullptr : ::getpwnam(owner.c_str());
  if (!owner.empty() && !pw) {
    h.problems.push_back("--user " + owner + ": no such user");
    return h;
  }
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    h.problems.push_back(dir + ": " + std::strerror(errno));
    return h;
  }
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (dfd < 0) {
    h.problems.push_back(dir + ": not a folder");
    return h;
  }
  if (pw && ::fchown(dfd, pw->pw_uid, pw->pw_gid) != 0)
    h.problems.push_back(dir + ": " + std::strerror(errno));
  ::close(dfd);
  std::vector<std::string> files;
  for (const std::string& root : from) {
    std::error_code ec;
    if (fs::weakly_canonical(root, ec) == fs::weakly_canonical(dir, ec)) continue;  // the inbox
    for (const auto& e : fs::directory_iterator(root, ec)) {
      if (e.is_symlink(ec)) continue;
      if (e.is_regular_file(ec)) files.push_back(e.path().string());
      if (e.is_directory(ec))  // /var/crash/STAMP/, systemd-pstore's per-record folders
        for (const auto& f : fs::directory_iterator(e.path(), ec))
          if (!f.is_symlink(ec) && f.is_regular_file(ec)) files.push_back(f.path().string());
    }
  }
  for (const std::string& f : files) {
    std::string bytes, err;
    if (!read_dump(f, &bytes, &err)) {
      if (!err.empty()) h.problems.push_back(err);
      continue;
    }
    if (write_copy(dir, f, bytes, pw, &err))
      ++h.copied;
    else
      h.problems.push_back(err);
  }
  return h;
}

int run_hand_over_pstore(const Config& c) {
  const HandOver h = hand_over_pstore(pstore_origins(), c.hand_over_dir, c.user.value_or(""));
  for (const std::string& p : h.problems) spdlog::warn("--hand-over-pstore: {}", p);
  spdlog::debug("--hand-over-pstore: {} dump(s) copied to {}", h.copied, c.hand_over_dir);
  return 0;
}

}  // namespace klogd
