#include "forward/in_flight.h"

namespace klogd {

void InFlight::sent(ForwardQueue::Batch batch, std::vector<uint64_t> handed, size_t messages) {
  batches_.push_back({std::move(batch), std::move(handed), messages});
}

void InFlight::settle(uint64_t taken, bool partial) {
  while (!batches_.empty()) {
    Entry& f = batches_.front();
    if (f.handed.size() == f.messages && (f.handed.empty() || f.handed.back() <= taken)) {
      commit_(f.batch);
      batches_.pop_front();
      continue;
    }
    if (partial) {
      size_t k = 0;
      while (k < f.handed.size() && f.handed[k] <= taken) ++k;
      bool stated = f.batch.drops > 0 && k > 0;
      size_t frames = k - (stated ? 1 : 0);
      if (frames > f.batch.frames.size()) frames = f.batch.frames.size();
      f.batch.keep(frames);
      if (!stated) f.batch.drops = f.batch.damaged = 0;
      if (frames > 0 || stated) commit_(f.batch);
    }
    break;
  }
}

}  // namespace klogd
