#pragma once
/// Forwarding to a central collector (rsyslog, syslog-ng, Graylog, Vector, ...): --forward URL,
/// one sink per target, beside the local sink. Each record becomes an RFC 5424 message (see
/// rfc5424.h) and goes into the target's ForwardQueue (memory first, files when the target is
/// slow or away, bounded); a sender thread per target takes from the queue and delivers through
/// its ForwardTransport. So write() never waits on the network: reading /dev/kmsg never backs up
/// behind a collector, and a collector that accepts but never reads stalls only its own thread.
///
/// The sender reconnects with exponential backoff (100 ms to 30 s, ±20 % jitter); queued
/// messages go out in order once the target is back, preceded by one that states how many were
/// dropped meanwhile ("klogd: dropped N records for forward URL while it was unavailable (queue
/// full)").

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "forward/forward_queue.h"
#include "forward/forward_target.h"
#include "forward/forward_transport.h"
#include "sinks/rfc5424.h"
#include "sinks/sink.h"
#include "util/notes.h"

namespace klogd {

struct ForwardSinkOptions {
  ForwardTarget target;
  Rfc5424Options format;
  TlsOptions tls;
  ForwardQueueOptions queue;
  /// Where the sender thread's news go (connected, lost, queueing). Called from the sender
  /// thread.
  std::function<void(Note::Level level, const std::string& msg)> log;
};

class ForwardSink : public Sink {
 public:
  explicit ForwardSink(ForwardSinkOptions o);
  ~ForwardSink() override;  // stop()
  /// Whether the target can be tried at all (TLS files readable): said before the daemon forks.
  bool check(std::string* err) const;
  /// Opens the queue (taking up what an earlier run left) and starts the sender. After the fork
  /// and the privilege drop, so that the queue's files belong to the user klogd runs as.
  bool start(std::string* err) override;
  /// Stops the sender and writes what is left in memory to the queue's files. (The daemon waits
  /// for pending() first, at exit.)
  void stop() override;

  bool write(const FinishedRecord& r, std::string* err) override;
  bool flush(std::string* err) override;
  std::string describe() const override { return "forward " + o_.target.url; }
  size_t pending() const override;
  bool keeps_pending() const override { return true; }
  std::optional<uint64_t> oldest_volatile_seq() const override {
    return queue_.oldest_memory_seq();
  }
  ForwardQueue::Stats stats() const { return queue_.stats(); }
  /// Whether the sender is connected now; how often it connected again after losing the target.
  bool up() const { return reach_ == Reach::kUp; }
  uint64_t reconnects() const { return reconnects_.load(std::memory_order_relaxed); }
  const std::string& url() const { return o_.target.url; }

 private:
  void run();
  enum class Reach { kUnknown, kUp, kDown };
  /// What the sender learnt of the target: for pending(), and for the queue (down: spill).
  void reached(Reach r) {
    reach_ = r;
    queue_.set_target_up(r == Reach::kUp);
  }
  void say(Note::Level level, const std::string& msg) const {
    if (o_.log) o_.log(level, describe() + ": " + msg);
  }

  ForwardSinkOptions o_;
  ForwardQueue queue_;
  std::unique_ptr<ForwardTransport> transport_;
  std::thread sender_;
  std::string last_flush_error_;
  std::atomic<Reach> reach_{Reach::kUnknown};  // set by the sender; read by pending()
  std::atomic<bool> sender_done_{false};
  std::atomic<uint64_t> reconnects_{0};
};

}  // namespace klogd
