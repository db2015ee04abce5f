#pragma once
/// The daemon's sinks, each behind its own bounded queue (QueuedSink): a batch of finished
/// records goes to every queue, then each queue drains as far as its sink takes. The set says
/// when to try again (5 ms when a socket is merely full, 500 ms when a sink is gone), where a
/// restart must begin (the oldest record some sink holds only in memory), and, at exit, what
/// could not be delivered. Single-threaded: the loop thread's.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sinks/queued_sink.h"
#include "util/notes.h"

namespace klogd {

class SinkSet {
 public:
  void add(std::unique_ptr<Sink> sink, size_t queue_max);
  /// Starts each sink's threads (after fork and privilege drop). False with *err on the first
  /// that cannot start.
  bool start(std::string* err);
  /// Stops them (exit): what forward targets still hold is kept in their files.
  void stop();

  struct Outcome {
    bool pending = false;   ///< some sink still holds records
    bool busy_only = true;  ///< ... and every such sink is only full, not gone
    /// How long until the next attempt, when pending.
    int retry_ms() const { return busy_only ? 5 : 500; }
  };
  /// Hands `batch` (emptied) to every queue and drains them. Notes say when a sink goes away or
  /// comes back.
  Outcome deliver(std::vector<FinishedRecord>* batch, Notes* notes);

  /// The oldest kernel record (sequence number) some sink holds only in memory: a restart must
  /// begin there. nullopt when every record handed over is delivered or on disk.
  std::optional<uint64_t> oldest_volatile_seq() const;
  /// Whether waiting at exit can still deliver something.
  bool worth_waiting() const;
  /// At exit: records neither delivered nor kept for the next start, per sink (notes) and in all.
  uint64_t undelivered(Notes* notes) const;
  /// SIGHUP: each sink reopens its file; the notes say which did and which failed, and why.
  void reopen(Notes* notes);

  size_t size() const { return sinks_.size(); }
  QueuedSink& at(size_t i) { return *sinks_[i]; }
  const QueuedSink& at(size_t i) const { return *sinks_[i]; }

 private:
  /// Each queue drained as far as its sink takes; outages said once, their ends too.
  Outcome drain(Notes* notes);
  std::vector<std::unique_ptr<QueuedSink>> sinks_;
  std::vector<size_t> limits_;
  std::vector<uint64_t> dropped_before_outage_;  // each sink's dropped_total() when it went down
  std::vector<bool> announced_;                  // "unavailable" was said for this outage
};

}  // namespace klogd
