#include "pstore/pstore_state.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>

#include "util/fd_io.h"
#include "util/text.h"

namespace klogd {
namespace {

constexpr std::string_view kMagic = "klogd-pstore-state 1\n";
constexpr size_t kIdWidth = 36;  // /proc/sys/kernel/random/boot_id
constexpr size_t kTimeWidth = 20;

// A boot id as the file holds it: [0-9a-f-], kIdWidth characters ("-" padded).
std::string id_field(std::string_view id) {
  std::string out;
  for (char c : id)
    if (out.size() < kIdWidth && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == '-'))
      out.push_back(c);
  out.resize(kIdWidth, '-');
  return out;
}

std::string time_field(std::optional<uint64_t> ts) {
  std::string out = ts ? std::to_string(*ts) : std::string();
  out.insert(0, kTimeWidth - out.size(), ts ? '0' : '-');
  return out;
}

// "this ID TIME" / "previous ID TIME": the id ("" for none) and the time.
bool parse_boot_line(std::string_view l, std::string_view tag, std::string* id,
                     std::optional<uint64_t>* ts) {
  if (!l.starts_with(tag) || l.size() != tag.size() + 1 + kIdWidth + 1 + kTimeWidth ||
      l[tag.size()] != ' ' || l[tag.size() + 1 + kIdWidth] != ' ')
    return false;
  std::string_view i = l.substr(tag.size() + 1, kIdWidth);
  std::string_view t = l.substr(tag.size() + 2 + kIdWidth);
  id->assign(i.substr(0, i.find_last_not_of('-') + 1));
  if (i.find_first_not_of('-') == std::string_view::npos) id->clear();
  if (t.find_first_not_of('-') == std::string_view::npos) {
    ts->reset();
    return true;
  }
  *ts = parse_decimal(t);
  return ts->has_value();
}

}  // namespace

PstoreState::~PstoreState() {
  if (fd_ >= 0) ::close(fd_);
}

bool PstoreState::open(const std::string& path, const std::string& boot_id, std::string* err,
                       std::string* note) {
  fd_ = open_state_file(path, 0600, err);
  if (fd_ < 0) return false;
  struct stat st {};
  ::fstat(fd_, &st);
  // One klogd keeps it: another one's start must not rewrite it under the first.
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    busy_ = errno == EWOULDBLOCK;
    *err = path + ": " + (busy_ ? "in use by another klogd" : std::strerror(errno));
    ::close(fd_);
    fd_ = -1;
    return false;
  }
  path_ = path;
  boot_id_ = id_field(boot_id);
  std::string text;
  if (st.st_size > 0 && st.st_size < (1 << 20)) {
    text.resize(static_cast<size_t>(st.st_size));
    ssize_t n = ::pread(fd_, text.data(), text.size(), 0);
    text.resize(n > 0 ? static_cast<size_t>(n) : 0);
  } else if (st.st_size >= (1 << 20)) {
    *note = path + ": larger than 1 MiB, not klogd's: started afresh";
  }
  std::string this_id;
  std::optional<uint64_t> this_ts;
  bool readable = text.starts_with(kMagic);
  if (!text.empty() && !readable && note->empty())
    *note = path + ": not a klogd pstore state: started afresh";
  if (readable) {
    for_each_line(std::string_view(text).substr(kMagic.size()), [&](std::string_view l, size_t) {
      if (l.starts_with("dump ")) {
        std::string key(l.substr(5));
        if (!key.empty() && keys_.insert(key).second) order_.push_back(key);
      } else if (l.starts_with("this ")) {
        parse_boot_line(l, "this", &this_id, &this_ts);
      } else if (l.starts_with("previous ")) {
        parse_boot_line(l, "previous", &previous_id_, &previous_ts_);
      }
    });
  }
  if (!this_id.empty() && id_field(this_id) == boot_id_) {  // klogd restarted in this boot
    this_ts_ = this_ts;
  } else if (!this_id.empty()) {  // a new boot: the last one's becomes the previous
    previous_id_ = this_id;
    previous_ts_ = this_ts;
  }
  return rewrite(err);
}

bool PstoreState::rewrite(std::string* err) {
  while (order_.size() > kMaxPstoreKeys) {
    keys_.erase(order_.front());
    order_.erase(order_.begin());
  }
  std::string text(kMagic);
  text += "this " + boot_id_ + " " + time_field(this_ts_) + "\n";
  text += "previous " + id_field(previous_id_) + " " + time_field(previous_ts_) + "\n";
  for (const std::string& k : order_) text += "dump " + k + "\n";
  if (::ftruncate(fd_, 0) != 0 ||
      ::pwrite(fd_, text.data(), text.size(), 0) != static_cast<ssize_t>(text.size())) {
    *err = path_ + ": " + std::strerror(errno);
    return false;
  }
  return true;
}

bool PstoreState::remember(const std::vector<std::string>& keys, std::string* err) {
  if (fd_ < 0) return true;
  for (const std::string& k : keys)
    if (keys_.insert(k).second) order_.push_back(k);
  return rewrite(err);
}

bool PstoreState::save_delivered(uint64_t ts_usec, std::string* err) {
  if (fd_ < 0 || this_ts_ == ts_usec) return true;
  const std::string field = time_field(ts_usec);
  const off_t at = static_cast<off_t>(kMagic.size() + 5 + kIdWidth + 1);
  if (::pwrite(fd_, field.data(), field.size(), at) != static_cast<ssize_t>(field.size())) {
    *err = path_ + ": saving the last delivered time: " + std::strerror(errno);
    return false;
  }
  this_ts_ = ts_usec;
  return true;
}

}  // namespace klogd
