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
#include "util/file_buffer.h"
#include "util/text.h"

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
    size_t digits = 0;
    s.first_q = s.end_q = read_decimal(name, &digits).value_or(0);
    FileBuffer file;
    std::string ignored;
    if (!file.load(s.path, &ignored)) continue;
    std::string_view bytes = file.view();
    // Every good entry in order; a damaged stretch is skipped to the next good entry (its
    // records are counted lost when the sender reaches them); a damaged end is cut off.
    size_t off = 0;
    Entry e;
    while (next_entry(bytes, off, s.end_q, &e)) {
      if (e.offset != off)
        notes += "; " + name + ": damaged entries at bytes " + std::to_string(off) + "-" +
                 std::to_string(e.offset) + " skipped (" + std::to_string(e.q - s.end_q) +
                 " records lost)";
      s.end_q = e.q + 1;
      off = e.end;
    }
    if (off < bytes.size()) {
      notes += "; " + name + ": damaged entry at byte " + std::to_string(off) +
               " (killed mid-write?), cut off there";
      if (::truncate(s.path.c_str(), static_cast<off_t>(off)) != 0)
        notes += " (" + std::string(std::strerror(errno)) + ")";
    }
    s.bytes = off;
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

void ForwardQueue::push(std::string frame, std::optional<uint64_t> seq) {
  std::lock_guard lock(mu_);
  mem_bytes_ += frame.size() + kEntryHeader;
  mem_.push_back({std::move(frame), seq.value_or(kNoSeq)});
  ++next_q_;
  enforce_limit_locked();
}

bool ForwardQueue::settle(std::string* err) {
  std::lock_guard lock(mu_);
  if (cursor_ < next_q_) cv_.notify_one();  // once per batch, not per frame: a wake-up is a syscall
  bool ok = mem_.empty() || (up_ && mem_bytes_ <= o_.memory_bytes) || spill_locked(err);
  // A cursor that could not be written is said too, without keeping the spill from running.
  if (ok && !cursor_error_.empty()) {
    *err = cursor_error_;
    ok = false;
  }
  return ok;
}

bool ForwardQueue::spill(std::string* err) {
  std::lock_guard lock(mu_);
  return spill_locked(err);
}

bool ForwardQueue::spill_locked(std::string* err) {
  size_t i = 0;
  bool new_file = false;
  auto sync = [&] {
    if (o_.fsync && write_fd_ >= 0) ::fdatasync(write_fd_);
  };
  while (i < mem_.size()) {
    if (write_fd_ < 0 || segments_.empty() || segments_.back().bytes >= o_.segment_bytes) {
      if (write_fd_ >= 0) {
        sync();
        ::close(write_fd_);
      }
      Segment s;
      s.first_q = s.end_q = mem_first_q_ + i;
      s.path = o_.dir + "/" + segment_name(s.first_q);
      write_fd_ = ::open(s.path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
      if (write_fd_ < 0) {
        *err = "forward queue " + s.path + ": " + std::strerror(errno);
        break;
      }
      segments_.push_back(s);
      new_file = true;
    }
    Segment& s = segments_.back();
    std::string buf;
    size_t j = i;
    while (j < mem_.size() && s.bytes + buf.size() < o_.segment_bytes) {
      append_entry(mem_first_q_ + j, mem_[j].bytes, &buf);
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
  sync();
  if (new_file && o_.fsync) {  // the new file's name, too
    int dfd = ::open(o_.dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
      ::fsync(dfd);
      ::close(dfd);
    }
  }
  // what went to files leaves memory
  for (size_t k = 0; k < i; ++k) {
    mem_bytes_ -= mem_.front().bytes.size() + kEntryHeader;
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
      if (cache_first_q_ == s.first_q) cache_first_q_ = UINT64_MAX;
      ::unlink(s.path.c_str());
      disk_bytes_ -= s.bytes;
      uint64_t from = std::max(s.first_q, cursor_);
      lost = s.end_q > from ? s.end_q - from : 0;
      cursor_ = std::max(cursor_, s.end_q);
      changed = true;
    } else if (segments_.empty() && mem_.size() > 1) {
      mem_bytes_ -= mem_.front().bytes.size() + kEntryHeader;
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
    mem_bytes_ -= mem_.front().bytes.size() + kEntryHeader;
    mem_.pop_front();
    ++mem_first_q_;
  }
  while (!segments_.empty() && segments_.front().end_q <= cursor_) {
    if (segments_.size() == 1 && write_fd_ >= 0) {
      ::close(write_fd_);
      write_fd_ = -1;
    }
    if (cache_first_q_ == segments_.front().first_q) {
      cache_first_q_ = UINT64_MAX;
      cache_.clear();
      cache_.shrink_to_fit();
    }
    ::unlink(segments_.front().path.c_str());
    disk_bytes_ -= segments_.front().bytes;
    segments_.erase(segments_.begin());
  }
}

// Every caller goes through here: a cursor that cannot be written (a full disk) is said by
// settle() until a write works again, since after a restart what it did not record as
// delivered would be sent again.
bool ForwardQueue::write_cursor_locked() {
  if (cursor_fd_ < 0) return false;
  std::string c = encode_cursor(cursor_, unstated_);
  if (::pwrite(cursor_fd_, c.data(), c.size(), 0) == static_cast<ssize_t>(c.size())) {
    cursor_error_.clear();
    return true;
  }
  cursor_error_ = "forward queue " + o_.dir + "/" + kCursorName + ": " + std::strerror(errno) +
                  ": what was delivered since it was last written would be sent again after a "
                  "restart";
  return false;
}

void ForwardQueue::state_losses_locked(Batch* b) const {
  b->drops = unstated_;
  b->damaged = std::min(unstated_damaged_, unstated_);
}

void ForwardQueue::lose_locked(uint64_t up_to_q) {
  if (up_to_q <= cursor_) return;
  uint64_t lost = up_to_q - cursor_;
  dropped_total_ += lost;
  unstated_ += lost;
  unstated_damaged_ += lost;
  cursor_ = up_to_q;
  remove_delivered_locked();
  write_cursor_locked();
}

void ForwardQueue::set_target_up(bool up) {
  std::lock_guard lock(mu_);
  up_ = up;
}

bool ForwardQueue::load_segment_locked(const Segment& s) {
  if (cache_first_q_ == s.first_q && cache_.size() == s.bytes) return true;
  if (cache_first_q_ != s.first_q) {  // another segment: read it from its start
    cache_.clear();
    cache_first_q_ = s.first_q;
    cache_q_ = UINT64_MAX;
    cache_off_ = 0;
  }
  // The last segment grows while frames spill: only what was appended is read.
  int fd = ::open(s.path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    cache_first_q_ = UINT64_MAX;
    return false;
  }
  size_t have = cache_.size();
  cache_.resize(s.bytes);
  bool ok = true;
  while (have < s.bytes) {
    ssize_t n = ::pread(fd, cache_.data() + have, s.bytes - have, static_cast<off_t>(have));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ok = false;
      break;
    }
    have += static_cast<size_t>(n);
  }
  ::close(fd);
  cache_.resize(have);
  if (!ok && have == 0) cache_first_q_ = UINT64_MAX;
  return ok || have > 0;
}

// Frames from the files, from q `at` on. Records lost to damage (q numbers with no good entry)
// are counted when reading reaches them at the cursor: then they move it, and the drop
// statement of this batch says so. Reading ahead of the cursor stops before such a gap.
void ForwardQueue::take_from_files_locked(Batch* b, uint64_t at, size_t max_bytes) {
  while (b->frames.empty() && at < mem_first_q_) {
    auto s = std::find_if(segments_.begin(), segments_.end(),
                          [&](const Segment& g) { return at < g.end_q; });
    uint64_t gap_end = s == segments_.end() ? mem_first_q_ : s->first_q;
    if (s == segments_.end() || at < s->first_q) {  // no entry holds these q numbers
      if (at != cursor_) return;
      lose_locked(gap_end);
      at = b->first_q = cursor_;
      state_losses_locked(b);
      continue;
    }
    if (!load_segment_locked(*s)) {  // removed or unreadable behind our back
      if (at != cursor_) return;
      lose_locked(s->end_q);
      at = b->first_q = cursor_;
      state_losses_locked(b);
      continue;
    }
    std::string_view seg(cache_);
    size_t off = 0;
    if (cache_q_ == at) {
      off = cache_off_;  // continues the last take
    } else {
      Entry e;  // skip what was delivered already
      while (entry_at(seg, off, 0, &e) && e.q < at) off = e.end;
    }
    size_t taken = 0;
    uint64_t expect = at;
    Entry e;
    while (next_entry(seg, off, expect, &e)) {
      if (e.q != expect) {  // damaged entries in between
        if (!b->frames.empty() || at != cursor_) break;
        lose_locked(e.q);
        at = expect = b->first_q = e.q;
        state_losses_locked(b);
      }
      if (!b->frames.empty() && taken + e.frame.size() > max_bytes) break;
      b->frames.emplace_back(e.frame);
      b->qs.push_back(e.q);
      taken += e.frame.size();
      expect = e.q + 1;
      off = e.end;
    }
    cache_q_ = expect;
    cache_off_ = off;
    if (b->frames.empty()) {  // the rest of this segment is damage
      if (at != cursor_) return;
      lose_locked(s->end_q);
      at = b->first_q = cursor_;
      state_losses_locked(b);
    }
  }
}

bool ForwardQueue::take(Batch* b, size_t max_bytes, std::chrono::milliseconds timeout,
                        uint64_t from_q) {
  std::unique_lock lock(mu_);
  auto start = [&] { return std::max(from_q, cursor_); };
  cv_.wait_for(lock, timeout,
               [&] { return stop_ || start() < next_q_ || (unstated_ > 0 && start() == cursor_); });
  b->frames.clear();
  b->qs.clear();
  uint64_t at = start();
  b->first_q = at;
  b->drops = b->damaged = 0;
  if (at == cursor_) state_losses_locked(b);
  if (stop_) return false;
  if (at < mem_first_q_) take_from_files_locked(b, at, max_bytes);
  at = b->first_q;
  if (b->frames.empty() && at >= mem_first_q_) {
    size_t taken = 0;
    for (size_t i = at - mem_first_q_; i < mem_.size(); ++i) {
      if (taken > 0 && taken + mem_[i].bytes.size() > max_bytes) break;
      b->frames.push_back(mem_[i].bytes);
      b->qs.push_back(mem_first_q_ + i);
      taken += mem_[i].bytes.size();
    }
  }
  return !b->frames.empty() || b->drops > 0;
}

void ForwardQueue::commit(const Batch& b) {
  std::lock_guard lock(mu_);
  // Frames the limit dropped while they were being sent were delivered after all.
  uint64_t delivered_anyway = 0;
  for (uint64_t q : b.qs) delivered_anyway += q < cursor_ ? 1 : 0;
  dropped_total_ -= std::min(dropped_total_, delivered_anyway);
  unstated_ -= std::min(unstated_, delivered_anyway);
  unstated_ -= std::min(unstated_, b.drops);
  unstated_damaged_ -= std::min(unstated_damaged_, b.damaged);
  unstated_damaged_ = std::min(unstated_damaged_, unstated_);
  cursor_ = std::max(cursor_, b.end_q());
  delivered_total_ += b.qs.size();
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

std::optional<uint64_t> ForwardQueue::oldest_memory_seq() const {
  std::lock_guard lock(mu_);
  for (size_t i = cursor_ > mem_first_q_ ? cursor_ - mem_first_q_ : 0; i < mem_.size(); ++i)
    if (mem_[i].seq != kNoSeq) return mem_[i].seq;
  return std::nullopt;
}

ForwardQueue::Stats ForwardQueue::stats() const {
  std::lock_guard lock(mu_);
  Stats s;
  s.frames = next_q_ - cursor_;
  s.bytes = bytes_locked();
  s.file_frames = mem_first_q_ > cursor_ ? mem_first_q_ - cursor_ : 0;
  s.dropped = dropped_total_;
  s.delivered = delivered_total_;
  s.memory_bytes = mem_bytes_;
  s.file_bytes = disk_bytes_;
  return s;
}

}  // namespace klogd
