#include "forward/forward_queue.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "forward/queue_format.h"
#include "util/fd_io.h"

namespace klogd {

using namespace queue_format;

ForwardQueue::ForwardQueue(ForwardQueueOptions o) : o_(std::move(o)) {
  o_.segment_bytes = std::max<size_t>(1, std::min(o_.segment_bytes, o_.max_bytes / 8));
}

ForwardQueue::~ForwardQueue() {
  if (write_fd_ >= 0) ::close(write_fd_);
  if (cursor_fd_ >= 0) ::close(cursor_fd_);
}

bool ForwardQueue::open(std::string* report, std::string* err) {
  namespace fs = std::filesystem;
  std::lock_guard lock(mu_);
  std::error_code ec;
  fs::create_directories(o_.dir, ec);
  if (ec) {
    *err = "forward queue " + o_.dir + ": " + ec.message();
    return false;
  }
  std::string cursor_path = o_.dir + "/" + kCursorName;
  cursor_fd_ = ::open(cursor_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (cursor_fd_ < 0) {
    *err = "forward queue " + cursor_path + ": " + std::strerror(errno);
    return false;
  }
  char c[kCursorSize];
  bool have_cursor = ::pread(cursor_fd_, c, kCursorSize, 0) == static_cast<ssize_t>(kCursorSize) &&
                     decode_cursor(std::string_view(c, kCursorSize), &cursor_, &unstated_);
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(o_.dir, ec))
    if (e.path().extension() == kSegmentSuffix) names.push_back(e.path().filename());
  std::sort(names.begin(), names.end());
  std::string notes;
  for (const std::string& name : names) {
    Segment s;
    s.path = o_.dir + "/" + name;
    s.first_q = s.end_q = std::strtoull(name.c_str(), nullptr, 10);
    uint64_t torn_at = UINT64_MAX;
    read_segment(&s, nullptr, 0, SIZE_MAX, &torn_at);
    if (torn_at != UINT64_MAX) {
      notes += "; " + name + ": damaged entry at byte " + std::to_string(torn_at) +
               " (killed mid-write?), cut off there";
      if (::truncate(s.path.c_str(), static_cast<off_t>(torn_at)) != 0)
        notes += " (" + std::string(std::strerror(errno)) + ")";
      s.bytes = torn_at;
    }
    if (s.end_q == s.first_q || s.end_q <= cursor_ ||
        (!segments_.empty() && s.first_q < segments_.back().end_q)) {
      ::unlink(s.path.c_str());  // empty, delivered, or overlapping an earlier file
      continue;
    }
    disk_bytes_ += s.bytes;
    segments_.push_back(s);
  }
  if (!have_cursor && !segments_.empty()) notes += "; no readable cursor: sending every file whole";
  next_q_ = std::max(cursor_, segments_.empty() ? 0 : segments_.back().end_q);
  mem_first_q_ = next_q_;
  if (!segments_.empty()) {
    cursor_ = std::max(cursor_, segments_.front().first_q);
    write_fd_ = ::open(segments_.back().path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  } else {
    cursor_ = next_q_;
  }
  uint64_t waiting = next_q_ - cursor_;
  if (waiting > 0 || !notes.empty())
    *report =
        std::to_string(waiting) + " records waiting in " + o_.dir + " from an earlier run" +
        (unstated_ ? " (and " + std::to_string(unstated_) + " dropped, not yet stated)" : "") +
        notes;
  return true;
}

// Scans a segment: fills `frames` (when given) from `from_q` on up to max_bytes, and sets
// s->end_q / s->bytes (when scanning whole). *torn_at = offset of the first bad entry.
bool ForwardQueue::read_segment(Segment* s, std::vector<std::string>* frames, uint64_t from_q,
                                size_t max_bytes, uint64_t* torn_at) {
  int fd = ::open(s->path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  uint64_t off = 0, q = s->first_q;
  if (frames && read_seg_ == s->first_q && read_q_ == from_q) {  // continues the last take
    off = read_off_;
    q = read_q_;
  }
  size_t taken = 0;
  bool full = false;
  std::string buf;
  size_t chunk = 256 << 10;
  while (!full) {
    buf.resize(chunk);
    ssize_t n = ::pread(fd, buf.data(), chunk, static_cast<off_t>(off));
    if (n <= 0) break;
    bool eof = static_cast<size_t>(n) < chunk;
    size_t pos = 0, need = 0;
    bool bad = false;
    while (pos + kEntryHeader <= static_cast<size_t>(n)) {
      EntryHeader h = read_entry_header(buf.data() + pos);
      uint32_t len = h.length;
      if (h.q != q || len > kMaxFrame) {
        bad = true;
        break;
      }
      if (pos + kEntryHeader + len > static_cast<size_t>(n)) {
        need = kEntryHeader + len;
        break;
      }
      const char* data = buf.data() + pos + kEntryHeader;
      if (h.crc != entry_crc(q, std::string_view(data, len))) {
        bad = true;
        break;
      }
      if (frames && q >= from_q) {
        if (taken > 0 && taken + len > max_bytes) {
          full = true;
          break;
        }
        frames->emplace_back(data, len);
        taken += len;
      }
      pos += kEntryHeader + len;
      ++q;
    }
    off += pos;
    if (bad || (eof && pos < static_cast<size_t>(n)) || (eof && need)) {
      if (torn_at) *torn_at = off;  // a bad entry, or the file ends inside one
      break;
    }
    if (eof) break;
    if (need > chunk) chunk = need;  // one entry larger than the chunk
  }
  ::close(fd);
  if (frames) {
    read_seg_ = s->first_q;
    read_q_ = q;
    read_off_ = off;
  } else {
    s->end_q = q;
    s->bytes = off;
  }
  return true;
}

void ForwardQueue::push(std::string frame) {
  std::lock_guard lock(mu_);
  mem_bytes_ += frame.size() + kEntryHeader;
  mem_.push_back(std::move(frame));
  ++next_q_;
  enforce_limit_locked();
}

bool ForwardQueue::settle(std::string* err) {
  std::lock_guard lock(mu_);
  if (cursor_ < next_q_) cv_.notify_one();  // once per batch, not per frame: a wake-up is a syscall
  if (mem_.empty() || (up_ && mem_bytes_ <= o_.memory_bytes)) return true;
  return spill_locked(err);
}

bool ForwardQueue::spill(std::string* err) {
  std::lock_guard lock(mu_);
  return spill_locked(err);
}

bool ForwardQueue::spill_locked(std::string* err) {
  size_t i = 0;
  while (i < mem_.size()) {
    if (write_fd_ < 0 || segments_.empty() || segments_.back().bytes >= o_.segment_bytes) {
      if (write_fd_ >= 0) ::close(write_fd_);
      Segment s;
      s.first_q = s.end_q = mem_first_q_ + i;
      s.path = o_.dir + "/" + segment_name(s.first_q);
      write_fd_ = ::open(s.path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
      if (write_fd_ < 0) {
        *err = "forward queue " + s.path + ": " + std::strerror(errno);
        break;
      }
      segments_.push_back(s);
    }
    Segment& s = segments_.back();
    std::string buf;
    size_t j = i;
    while (j < mem_.size() && s.bytes + buf.size() < o_.segment_bytes) {
      append_entry(mem_first_q_ + j, mem_[j], &buf);
      ++j;
    }
    if (!write_all(write_fd_, buf)) {
      *err = "forward queue " + s.path + ": " + std::strerror(errno) + " (kept in memory)";
      if (::ftruncate(write_fd_, static_cast<off_t>(s.bytes)) != 0) {
        ::close(write_fd_);  // a torn entry stays; start-up cuts it off
        write_fd_ = -1;
      }
      break;
    }
    s.bytes += buf.size();
    s.end_q = mem_first_q_ + j;
    disk_bytes_ += buf.size();
    i = j;
  }
  // what went to files leaves memory
  for (size_t k = 0; k < i; ++k) {
    mem_bytes_ -= mem_.front().size() + kEntryHeader;
    mem_.pop_front();
  }
  mem_first_q_ += i;
  if (!segments_.empty() && segments_.back().end_q == segments_.back().first_q) {
    ::unlink(segments_.back().path.c_str());
    segments_.pop_back();
    if (write_fd_ >= 0) ::close(write_fd_);
    write_fd_ = -1;
  }
  write_cursor_locked();
  return mem_.empty();
}

void ForwardQueue::enforce_limit_locked() {
  bool changed = false;
  while (bytes_locked() > o_.max_bytes) {
    uint64_t lost = 0;
    if (!segments_.empty() && (segments_.size() > 1 || !mem_.empty())) {
      Segment s = segments_.front();
      segments_.erase(segments_.begin());
      if (segments_.empty() && write_fd_ >= 0) {
        ::close(write_fd_);
        write_fd_ = -1;
      }
      ::unlink(s.path.c_str());
      disk_bytes_ -= s.bytes;
      uint64_t from = std::max(s.first_q, cursor_);
      lost = s.end_q > from ? s.end_q - from : 0;
      cursor_ = std::max(cursor_, s.end_q);
      changed = true;
    } else if (segments_.empty() && mem_.size() > 1) {
      mem_bytes_ -= mem_.front().size() + kEntryHeader;
      mem_.pop_front();
      lost = mem_first_q_ >= cursor_ ? 1 : 0;
      ++mem_first_q_;
      cursor_ = std::max(cursor_, mem_first_q_);
    } else {
      break;
    }
    dropped_total_ += lost;
    unstated_ += lost;
  }
  if (changed) write_cursor_locked();
}

void ForwardQueue::remove_delivered_locked() {
  while (!mem_.empty() && mem_first_q_ < cursor_) {
    mem_bytes_ -= mem_.front().size() + kEntryHeader;
    mem_.pop_front();
    ++mem_first_q_;
  }
  while (!segments_.empty() && segments_.front().end_q <= cursor_) {
    if (segments_.size() == 1 && write_fd_ >= 0) {
      ::close(write_fd_);
      write_fd_ = -1;
    }
    ::unlink(segments_.front().path.c_str());
    disk_bytes_ -= segments_.front().bytes;
    segments_.erase(segments_.begin());
  }
}

bool ForwardQueue::write_cursor_locked() {
  if (cursor_fd_ < 0) return false;
  std::string c = encode_cursor(cursor_, unstated_);
  return ::pwrite(cursor_fd_, c.data(), c.size(), 0) == static_cast<ssize_t>(c.size());
}

void ForwardQueue::set_target_up(bool up) {
  std::lock_guard lock(mu_);
  up_ = up;
}

bool ForwardQueue::take(Batch* b, size_t max_bytes, std::chrono::milliseconds timeout,
                        uint64_t from_q) {
  std::unique_lock lock(mu_);
  auto start = [&] { return std::max(from_q, cursor_); };
  cv_.wait_for(lock, timeout,
               [&] { return stop_ || start() < next_q_ || (unstated_ > 0 && start() == cursor_); });
  b->frames.clear();
  uint64_t at = start();
  b->first_q = at;
  b->drops = at == cursor_ ? unstated_ : 0;
  if (stop_) return false;
  while (at < mem_first_q_ && !segments_.empty()) {
    auto s = std::find_if(segments_.begin(), segments_.end(),
                          [&](const Segment& g) { return at < g.end_q; });
    if (s == segments_.end()) break;
    if (read_segment(&*s, &b->frames, at, max_bytes, nullptr) && !b->frames.empty()) break;
    // unreadable now (removed or damaged behind our back): what it held is lost, and said so
    if (at != cursor_) return false;  // the sender retries from the oldest
    uint64_t lost = s->end_q > cursor_ ? s->end_q - cursor_ : 0;
    dropped_total_ += lost;
    unstated_ += lost;
    cursor_ = std::max(cursor_, s->end_q);
    at = b->first_q = cursor_;
    b->drops = unstated_;
    remove_delivered_locked();
  }
  if (b->frames.empty() && at >= mem_first_q_) {
    size_t taken = 0;
    for (size_t i = at - mem_first_q_; i < mem_.size(); ++i) {
      if (taken > 0 && taken + mem_[i].size() > max_bytes) break;
      b->frames.push_back(mem_[i]);
      taken += mem_[i].size();
    }
  }
  return !b->frames.empty() || b->drops > 0;
}

void ForwardQueue::commit(const Batch& b) {
  std::lock_guard lock(mu_);
  uint64_t end = b.first_q + b.frames.size();
  if (cursor_ > b.first_q) {  // dropped while being sent: they were delivered after all
    uint64_t delivered_anyway = std::min(end, cursor_) - b.first_q;
    dropped_total_ -= std::min(dropped_total_, delivered_anyway);
    unstated_ -= std::min(unstated_, delivered_anyway);
  }
  unstated_ -= std::min(unstated_, b.drops);
  cursor_ = std::max(cursor_, end);
  remove_delivered_locked();
  if (!segments_.empty() || b.drops > 0) write_cursor_locked();
}

void ForwardQueue::stop() {
  std::lock_guard lock(mu_);
  stop_ = true;
  cv_.notify_all();
}

bool ForwardQueue::stopped() const {
  std::lock_guard lock(mu_);
  return stop_;
}

void ForwardQueue::sleep(std::chrono::milliseconds d) {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, d, [&] { return stop_; });
}

ForwardQueue::Stats ForwardQueue::stats() const {
  std::lock_guard lock(mu_);
  Stats s;
  s.frames = next_q_ - cursor_;
  s.bytes = bytes_locked();
  s.file_frames = mem_first_q_ > cursor_ ? mem_first_q_ - cursor_ : 0;
  s.dropped = dropped_total_;
  return s;
}

}  // namespace klogd
