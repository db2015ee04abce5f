#include "kmsg/reading_thread.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/klog.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

#include "kmsg/flood_naps.h"
#include "kmsg/kmsg_record.h"

namespace klogd {
namespace {

// syslog(2)'s actions (klogctl), as the kernel numbers them (linux/syslog.h).
constexpr int kSyslogActionRead = 2;         // wait for and consume the log
constexpr int kSyslogActionReadAll = 3;      // read what the ring holds, without consuming it
constexpr int kSyslogActionSizeBuffer = 10;  // the size of the kernel's log buffer
constexpr size_t kChunkBytes = 16384;

void on_wake_signal(int) {}

// The signal that interrupts a blocked read() (no SA_RESTART: the call returns EINTR).
int wake_signal() {
  static const int sig = [] {
    struct sigaction sa {};
    sa.sa_handler = on_wake_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;
    ::sigaction(SIGRTMIN, &sa, nullptr);
    return SIGRTMIN;
  }();
  return sig;
}

void set_blocking(int fd, bool blocking) {
  int flags = ::fcntl(fd, F_GETFL);
  if (flags >= 0) ::fcntl(fd, F_SETFL, blocking ? flags & ~O_NONBLOCK : flags | O_NONBLOCK);
}

}  // namespace

void ReadingThread::park() {
  wake_signal();
  parked_ = true;
  thread_ = std::thread([this] {
    std::unique_lock<std::mutex> l(go_mu_);
    go_cv_.wait(l, [this] { return go_ || stop_.load(); });
    l.unlock();
    if (!stop_.load()) run();
    done_.store(true);
  });
}

bool ReadingThread::start(int priority, std::string* err) {
  wake_signal();
  // /dev/kmsg is read non-blocking and waited for with poll() (FloodNaps); /proc/kmsg blocks in
  // read() unless one-shot.
  if (source_->fd() >= 0 && source_->kind() != LogSource::Kind::kCapture)
    set_blocking(source_->fd(), !one_shot_ && source_->kind() != LogSource::Kind::kDevice);
  if (parked_) {
    {
      std::lock_guard<std::mutex> l(go_mu_);
      go_ = true;
    }
    go_cv_.notify_one();
  } else {
    thread_ = std::thread([this] { run(); });
  }
  if (priority == 0) return true;
  sched_param p{};
  p.sched_priority = priority;
  int rc = ::pthread_setschedparam(thread_.native_handle(), SCHED_FIFO, &p);
  if (rc != 0) {
    *err = "the reading thread cannot run at SCHED_FIFO priority " + std::to_string(priority) +
           ": " + std::strerror(rc) +
           " (it needs root, CAP_SYS_NICE or a RLIMIT_RTPRIO of at least that: systemd's "
           "LimitRTPRIO=, with RestrictRealtime=no)";
    return false;
  }
  return true;
}

void ReadingThread::stop() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> l(go_mu_);  // a parked thread sees it at once
    stop_.store(true);
  }
  go_cv_.notify_one();
  ring_->close();
  // A read() blocked in the kernel returns EINTR on the signal; one sent just before the thread
  // entered read() is missed, so it is sent again until the thread is gone.
  while (!done_.load()) {
    ::pthread_kill(thread_.native_handle(), wake_signal());
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  thread_.join();
}

void ReadingThread::run() {
  switch (source_->kind()) {
    case LogSource::Kind::kDevice:
      read_device();
      break;
    case LogSource::Kind::kSyscall:
      read_syscall();
      break;
    default:
      read_chunks();
      break;
  }
  done_.store(true);
}

// One read() per record. When there is none: one-shot ends; else the thread waits in poll(), or
// naps in a flood (FloodNaps says why).
void ReadingThread::read_device() {
  const int fd = source_->fd();
  FloodNaps naps;
  uint64_t since_wait = 0;  // records read since the thread last waited
  while (!stop_.load(std::memory_order_relaxed)) {
    std::span<char> room = ring_->begin_write(kMaxRecordBytes + 1);
    if (room.empty()) return;  // closed
    ssize_t n = ::read(fd, room.data(), room.size());
    if (n > 0) {
      ring_->commit(RecordRing::Kind::kRecord, static_cast<size_t>(n));
      ++since_wait;
      continue;
    }
    int e = n == 0 ? 0 : errno;  // errno, read at the call that set it
    if (e == EINTR) continue;
    if (e == EPIPE) {  // our position was overwritten: reading goes on from the oldest record
      overruns_.fetch_add(1, std::memory_order_relaxed);
      ring_->put(RecordRing::Kind::kOverrun);
      since_wait += FloodNaps::kFloodRecords;
      continue;
    }
    if (e == EAGAIN && !one_shot_) {
      pollfd p{fd, POLLIN, 0};
      std::optional<std::chrono::nanoseconds> nap = naps.wait(since_wait, FloodNaps::Clock::now());
      since_wait = 0;
      if (nap) {
        timespec t{0, static_cast<long>(nap->count())};
        ::ppoll(&p, 1, &t, nullptr);  // EINTR: stop() looks at stop_ above
      } else {
        ::poll(&p, 1, -1);
      }
      continue;
    }
    if (e == EAGAIN || e == 0) {  // one-shot: drained (0: not a kmsg device; its end)
      ring_->put(RecordRing::Kind::kEnd);
      return;
    }
    ring_->put(RecordRing::Kind::kError, source_->path() + ": " + std::strerror(e));
    return;
  }
}

void ReadingThread::read_chunks() {
  const int fd = source_->fd();
  while (!stop_.load(std::memory_order_relaxed)) {
    std::span<char> room = ring_->begin_write(kChunkBytes);
    if (room.empty()) return;
    ssize_t n = ::read(fd, room.data(), room.size());
    if (n > 0) {
      ring_->commit(RecordRing::Kind::kChunk, static_cast<size_t>(n));
      continue;
    }
    int e = n == 0 ? 0 : errno;
    if (e == EINTR) continue;
    if (e == 0 || e == EAGAIN) {  // end of a capture; /proc/kmsg drained in one-shot mode
      ring_->put(RecordRing::Kind::kEnd);
      return;
    }
    ring_->put(RecordRing::Kind::kError, source_->path() + ": " + std::strerror(e));
    return;
  }
}

void ReadingThread::read_syscall() {
  if (one_shot_) {
    // The whole ring in one call: as much room as the kernel's buffer (half the ring at most).
    int size = ::klogctl(kSyslogActionSizeBuffer, nullptr, 0);
    size_t want = size > 0 ? static_cast<size_t>(size) : size_t{1} << 20;
    std::span<char> room = ring_->begin_write(std::min(want, ring_->capacity() / 2));
    if (room.empty()) return;
    int n = ::klogctl(kSyslogActionReadAll, room.data(), static_cast<int>(room.size()));
    int e = errno;
    if (n < 0) {
      ring_->put(RecordRing::Kind::kError, std::string("syslog(2): ") + std::strerror(e));
      return;
    }
    ring_->commit(RecordRing::Kind::kChunk, static_cast<size_t>(n));
    ring_->put(RecordRing::Kind::kEnd);
    return;
  }
  while (!stop_.load(std::memory_order_relaxed)) {
    std::span<char> room = ring_->begin_write(kChunkBytes);
    if (room.empty()) return;
    int n = ::klogctl(kSyslogActionRead, room.data(), static_cast<int>(room.size()));
    int e = errno;
    if (n >= 0) {
      ring_->commit(RecordRing::Kind::kChunk, static_cast<size_t>(n));
      continue;
    }
    if (e == EINTR) continue;
    ring_->put(RecordRing::Kind::kError, std::string("syslog(2): ") + std::strerror(e));
    return;
  }
}

}  // namespace klogd
