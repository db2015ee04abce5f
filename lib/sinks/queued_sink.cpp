#include "sinks/queued_sink.h"

#include "annotate/notices.h"

namespace klogd {

void QueuedSink::push(const RecordBatch& batch) {
  if (batch->empty()) return;
  for (const FinishedRecord& r : *batch) bytes_ += cost(r);
  count_ += batch->size();
  queue_.push_back({batch, 0});
  while (bytes_ > max_bytes_ && count_ > 1) {
    pop_front();
    ++dropped_;
    ++dropped_total_;
  }
}

void QueuedSink::push(FinishedRecord r) {
  push(std::make_shared<const std::vector<FinishedRecord>>(1, std::move(r)));
}

void QueuedSink::pop_front() {
  Chunk& c = queue_.front();
  bytes_ -= cost(c.front());
  --count_;
  if (++c.next == c.batch->size()) queue_.pop_front();
}

bool QueuedSink::drain(std::string* err) {
  if (dropped_ > 0 && !queue_.empty()) {
    const KmsgRecord& next = queue_.front().front().record;
    FinishedRecord notice = make_notice(dropped_notice(dropped_, sink_->describe()), next.ts_usec);
    if (!sink_->write(notice, err)) {
      down_ = true;
      return false;
    }
    dropped_ = 0;
  }
  while (!queue_.empty()) {
    if (!sink_->write(queue_.front().front(), err)) {
      down_ = true;
      sink_->flush(err);
      return false;
    }
    pop_front();
  }
  // What the sink buffered must reach it too: a flush that fails (a full disk) is the same
  // outage, not a new one.
  down_ = !sink_->flush(err);
  return !down_;
}

}  // namespace klogd
