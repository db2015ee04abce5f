#pragma once
/// The sender's account of what is on the wire: batches sent on the current connection and not
/// yet taken by the collector. A batch leaves the queue (is committed) only once the transport's
/// taken() count reaches the end of its last message; after a failure, the head of a batch that
/// was taken is committed and the rest is sent again. Drop statements ride in front of a batch
/// (one message) and are committed with the first frame taken after them.

#include <cstdint>
#include <deque>
#include <functional>
#include <vector>

#include "forward/forward_queue.h"

namespace klogd {

class InFlight {
 public:
  using Commit = std::function<void(const ForwardQueue::Batch&)>;
  explicit InFlight(Commit commit) : commit_(std::move(commit)) {}

  /// A batch handed to the transport: `handed[i]` is the transport's handed_over() after its
  /// i-th message (the drop statement first when the batch has drops); `messages` is how many
  /// there were (fewer handed: the send failed part-way).
  void sent(ForwardQueue::Batch batch, std::vector<uint64_t> handed, size_t messages);
  /// Commits every batch whose messages all lie within `taken` bytes; with `partial` (after a
  /// failure), also the taken head of the first one that does not.
  void settle(uint64_t taken, bool partial);
  /// A new connection: nothing is in flight on it.
  void clear() { batches_.clear(); }
  bool empty() const { return batches_.empty(); }
  size_t size() const { return batches_.size(); }

 private:
  struct Entry {
    ForwardQueue::Batch batch;
    std::vector<uint64_t> handed;
    size_t messages = 0;
  };
  Commit commit_;
  std::deque<Entry> batches_;
};

}  // namespace klogd
