#include "sinks/sink_set.h"

namespace klogd {

void SinkSet::add(std::unique_ptr<Sink> sink, size_t queue_max) {
  sinks_.push_back(std::make_unique<QueuedSink>(std::move(sink), queue_max));
  limits_.push_back(queue_max);
  dropped_before_outage_.push_back(0);
  announced_.push_back(false);
}

bool SinkSet::start(std::string* err) {
  for (auto& q : sinks_)
    if (!q->sink().start(err)) return false;
  return true;
}

void SinkSet::stop() {
  for (auto& q : sinks_) q->sink().stop();
}

SinkSet::Outcome SinkSet::deliver(std::vector<FinishedRecord>* batch, Notes* notes) {
  // One allocation for the batch, shared by every queue; once they are all done with it, its
  // storage comes back as the next batch's (a storm's batches are megabytes: a fresh one each
  // turn is fresh pages to fault in).
  std::shared_ptr<std::vector<FinishedRecord>> owned;
  if (!batch->empty()) {
    owned = std::make_shared<std::vector<FinishedRecord>>(std::move(*batch));
    const RecordBatch shared = owned;
    for (auto& q : sinks_) q->push(shared);
  }
  batch->clear();
  Outcome o = drain(notes);
  if (owned && owned.use_count() == 1) {  // no queue holds it any more: ours alone
    owned->clear();
    batch->swap(*owned);
  }
  return o;
}

SinkSet::Outcome SinkSet::drain(Notes* notes) {
  Outcome o;
  std::string err;
  for (size_t i = 0; i < sinks_.size(); ++i) {
    QueuedSink& q = *sinks_[i];
    bool was_down = q.down();
    if (!q.drain(&err)) {
      o.pending = true;
      o.busy_only = o.busy_only && q.sink().busy();
      // One warning per outage, one when it ends.
      if (!was_down) dropped_before_outage_[i] = q.dropped_total();
      if (!announced_[i] && !q.sink().busy()) {
        announced_[i] = true;
        notes->warn(q.sink().describe() + " unavailable (" + err + "): queueing records (up to " +
                    std::to_string(limits_[i]) + " bytes)");
      }
    } else if (was_down) {
      // "back" only after "unavailable" was said (a sink only busy a moment is no outage);
      // records dropped meanwhile are said either way
      const uint64_t lost = q.dropped_total() - dropped_before_outage_[i];
      if (announced_[i] || lost)
        notes->add(lost ? Note::Level::kWarning : Note::Level::kInfo,
                   q.sink().describe() + " is back: queue drained" +
                       (lost ? " (" + std::to_string(lost) + " records dropped while it was away)"
                             : std::string()));
      announced_[i] = false;
    }
  }
  return o;
}

std::optional<uint64_t> SinkSet::oldest_volatile_seq() const {
  std::optional<uint64_t> oldest;
  for (const auto& q : sinks_)
    if (auto s = q->oldest_volatile_seq()) oldest = oldest ? std::min(*oldest, *s) : *s;
  return oldest;
}

bool SinkSet::worth_waiting() const {
  for (const auto& q : sinks_)
    if (q->queued() > 0 || q->sink().pending() > 0) return true;
  return false;
}

uint64_t SinkSet::undelivered(Notes* notes) const {
  uint64_t total = 0;
  for (const auto& q : sinks_) {
    if (q->sink().keeps_pending()) continue;  // in its files for the next start
    uint64_t n = q->queued() + q->sink().pending();
    if (n == 0) continue;
    notes->error(q->sink().describe() + ": " + std::to_string(n) +
                 " records could not be delivered before exit");
    total += n;
  }
  return total;
}

void SinkSet::reopen(Notes* notes) {
  for (auto& q : sinks_) {
    if (!q->sink().writes_file()) continue;
    std::string err;
    if (q->sink().reopen(&err))
      notes->info("SIGHUP: " + q->sink().describe() + " reopened");
    else
      notes->error("SIGHUP: " + q->sink().describe() + ": reopen failed: " + err);
  }
}

}  // namespace klogd
