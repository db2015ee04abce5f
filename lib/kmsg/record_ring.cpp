#include "kmsg/record_ring.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cstring>

namespace klogd {
namespace {

constexpr size_t align8(size_t n) { return (n + 7) & ~size_t{7}; }

}  // namespace

RecordRing::RecordRing(size_t capacity_bytes)
    : buffer_(new char[align8(capacity_bytes)]),
      capacity_(align8(capacity_bytes)),
      wake_fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {}

RecordRing::~RecordRing() {
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

size_t RecordRing::free_bytes() {
  uint64_t head = head_.load(std::memory_order_relaxed);
  size_t free = capacity_ - static_cast<size_t>(head - tail_seen_);
  return free;
}

bool RecordRing::room_for(size_t bytes) {
  if (free_bytes() >= bytes) return true;
  tail_seen_ = tail_.load(std::memory_order_acquire);  // look again: the consumer moved on?
  return free_bytes() >= bytes;
}

std::span<char> RecordRing::begin_write(size_t max_bytes) {
  size_t need = kHeader + align8(max_bytes);
  if (need > capacity_) return {};
  uint64_t head = head_.load(std::memory_order_relaxed);
  size_t at = static_cast<size_t>(head % capacity_);
  // An entry is contiguous: when it does not fit before the end, a wrap mark sends the consumer
  // back to the start (entries are 8-aligned, so a header always fits where one ends).
  size_t skip = capacity_ - at < need ? capacity_ - at : 0;
  for (;;) {
    if (closed_.load(std::memory_order_acquire)) return {};
    if (room_for(skip + need)) break;
    wake_lingering();  // full: a consumer letting entries gather must come now
    uint32_t epoch = space_epoch_.load(std::memory_order_acquire);
    producer_waits_.store(true, std::memory_order_seq_cst);
    if (room_for(skip + need) || closed_.load(std::memory_order_acquire)) {
      producer_waits_.store(false, std::memory_order_relaxed);
      continue;
    }
    space_epoch_.wait(epoch, std::memory_order_acquire);
  }
  if (skip) {
    uint32_t mark[2] = {kWrapMark, 0};
    std::memcpy(buffer_.get() + at, mark, sizeof mark);
    at = 0;
  }
  pending_at_ = head + skip;
  return {buffer_.get() + at + kHeader, max_bytes};
}

void RecordRing::commit(Kind kind, size_t used) {
  size_t at = static_cast<size_t>(pending_at_ % capacity_);
  uint32_t header[2] = {static_cast<uint32_t>(kind), static_cast<uint32_t>(used)};
  std::memcpy(buffer_.get() + at, header, sizeof header);
  head_.store(pending_at_ + kHeader + align8(used), std::memory_order_seq_cst);
  if (consumer_sleeps_.load(std::memory_order_seq_cst) &&
      consumer_sleeps_.exchange(false, std::memory_order_seq_cst))
    wake_consumer();
}

void RecordRing::wake_lingering() {
  if (consumer_lingers_.load(std::memory_order_relaxed) &&
      consumer_lingers_.exchange(false, std::memory_order_acq_rel))
    wake_consumer();
}

void RecordRing::wake_consumer() {
  uint64_t one = 1;
  if (::write(wake_fd_, &one, sizeof one) < 0) {
    // the eventfd's counter is full: the consumer has a wake-up waiting already
  }
}

void RecordRing::put(Kind kind, std::string_view bytes) {
  std::span<char> room = begin_write(bytes.size());
  if (room.empty() && !bytes.empty()) return;  // closed (or larger than the ring)
  if (closed_.load(std::memory_order_acquire)) return;
  if (!bytes.empty()) std::memcpy(room.data(), bytes.data(), bytes.size());
  commit(kind, bytes.size());
}

bool RecordRing::peek(Entry* e) const {
  uint64_t tail = tail_.load(std::memory_order_relaxed);
  if (tail == head_seen_) head_seen_ = head_.load(std::memory_order_acquire);
  uint64_t head = head_seen_;
  while (tail != head) {
    size_t at = static_cast<size_t>(tail % capacity_);
    uint32_t header[2];
    std::memcpy(header, buffer_.get() + at, sizeof header);
    if (header[0] == kWrapMark) {
      tail += capacity_ - at;  // pop() finds the same mark and skips it too
      continue;
    }
    e->kind = static_cast<Kind>(header[0]);
    e->bytes = std::string_view(buffer_.get() + at + kHeader, header[1]);
    return true;
  }
  return false;
}

void RecordRing::pop() {
  uint64_t tail = tail_.load(std::memory_order_relaxed);
  size_t at = static_cast<size_t>(tail % capacity_);
  uint32_t header[2];
  std::memcpy(header, buffer_.get() + at, sizeof header);
  if (header[0] == kWrapMark) {
    tail += capacity_ - at;
    at = 0;
    std::memcpy(header, buffer_.get(), sizeof header);
  }
  tail_.store(tail + kHeader + align8(header[1]), std::memory_order_seq_cst);
  if (producer_waits_.load(std::memory_order_seq_cst) &&
      producer_waits_.exchange(false, std::memory_order_seq_cst)) {
    space_epoch_.fetch_add(1, std::memory_order_release);
    space_epoch_.notify_one();
  }
}

bool RecordRing::sleep() {
  consumer_sleeps_.store(true, std::memory_order_seq_cst);
  if (head_.load(std::memory_order_seq_cst) != tail_.load(std::memory_order_relaxed)) {
    consumer_sleeps_.store(false, std::memory_order_relaxed);
    return false;
  }
  return true;
}

void RecordRing::linger() { consumer_lingers_.store(true, std::memory_order_release); }

void RecordRing::woken() {
  consumer_lingers_.store(false, std::memory_order_relaxed);
  uint64_t n;
  while (::read(wake_fd_, &n, sizeof n) > 0) {
  }
}

void RecordRing::close() {
  closed_.store(true, std::memory_order_release);
  space_epoch_.fetch_add(1, std::memory_order_release);
  space_epoch_.notify_all();
}

}  // namespace klogd
