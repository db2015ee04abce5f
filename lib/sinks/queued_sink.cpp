#include "sinks/queued_sink.h"

#include "annotate/notices.h"

namespace klogd {

void QueuedSink::push(std::shared_ptr<const FinishedRecord> r) {
  bytes_ += cost(*r);
  queue_.push_back(std::move(r));
  while (bytes_ > max_bytes_ && queue_.size() > 1) {
    bytes_ -= cost(*queue_.front());
    queue_.pop_front();
    ++dropped_;
    ++dropped_total_;
  }
}

bool QueuedSink::drain(std::string* err) {
  if (dropped_ > 0 && !queue_.empty()) {
    const KmsgRecord& next = queue_.front()->record;
    FinishedRecord notice =
        make_notice(dropped_notice(dropped_, sink_->describe()), next.ts_usec, next.seq);
    if (!sink_->write(notice, err)) {
      down_ = true;
      return false;
    }
    dropped_ = 0;
  }
  while (!queue_.empty()) {
    if (!sink_->write(*queue_.front(), err)) {
      down_ = true;
      sink_->flush(err);
      return false;
    }
    bytes_ -= cost(*queue_.front());
    queue_.pop_front();
  }
  down_ = false;
  return sink_->flush(err);
}

}  // namespace klogd
