#include "forward/forward_sink.h"

#include <time.h>

#include <random>

#include "annotate/notices.h"
#include "forward/in_flight.h"
#include "util/wall_clock.h"

namespace klogd {
namespace {

constexpr size_t kBatchBytes = 256 << 10;

uint64_t monotonic_usec() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000 + static_cast<uint64_t>(ts.tv_nsec) / 1000;
}

}  // namespace

ForwardSink::ForwardSink(ForwardSinkOptions o)
    : o_(std::move(o)), queue_(o_.queue), transport_(make_forward_transport(o_.target, o_.tls)) {}

ForwardSink::~ForwardSink() { stop(); }

bool ForwardSink::check(std::string* err) const {
  std::string why = transport_->setup_error();
  if (why.empty()) return true;
  *err = describe() + ": " + why;
  return false;
}

bool ForwardSink::start(std::string* err) {
  if (!check(err)) return false;
  std::string report;
  if (!queue_.open(&report, err)) return false;
  if (!report.empty()) say(Note::Level::kInfo, report);
  sender_ = std::thread([this] { run(); });
  return true;
}

void ForwardSink::stop() {
  if (!sender_.joinable()) return;
  queue_.stop();
  // The sender ends by itself (after a graceful close where the protocol has one) unless it is
  // stuck on the network: then it is interrupted.
  for (int i = 0; i < 100 && !sender_done_.load(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  transport_->interrupt();
  sender_.join();
  std::string err;
  if (!queue_.spill(&err)) {
    say(Note::Level::kError,
        err + ": " + std::to_string(queue_.stats().frames - queue_.stats().file_frames) +
            " records lost at exit");
  }
  auto s = queue_.stats();
  if (s.file_frames)
    say(Note::Level::kInfo,
        std::to_string(s.file_frames) + " records kept in " + o_.queue.dir + " for the next start");
  transport_->close();
}

bool ForwardSink::write(const FinishedRecord& r, std::string*) {
  queue_.push(format_rfc5424(r, boot_wall_usec(), o_.format),
              r.synthetic ? std::nullopt : std::optional<uint64_t>(r.record.seq));
  return true;  // queued; the queue drops the oldest and counts them when full
}

bool ForwardSink::flush(std::string*) {
  std::string err;
  if (!queue_.settle(&err)) {
    if (err != last_flush_error_) say(Note::Level::kError, err);
    last_flush_error_ = err;
  } else {
    last_flush_error_.clear();
  }
  return true;
}

// Worth waiting for at exit unless the target is known to be away (then the files keep them).
size_t ForwardSink::pending() const { return reach_ != Reach::kDown ? queue_.stats().frames : 0; }

void ForwardSink::run() {
  std::mt19937 rng{std::random_device{}()};
  std::uniform_real_distribution<double> jitter(0.8, 1.2);
  auto backoff = std::chrono::milliseconds(100);
  auto wait = [&] {
    queue_.sleep(std::chrono::milliseconds(static_cast<long>(backoff.count() * jitter(rng))));
    backoff = std::min(backoff * 2, std::chrono::milliseconds(30000));
  };
  bool connected = false, ever_connected = false;
  std::string down_reason;  // what was last said about the target being away
  // Batches on the wire, committed once the collector took them (in_flight.h).
  InFlight in_flight([this](const ForwardQueue::Batch& b) { queue_.commit(b); });
  uint64_t next_q = ForwardQueue::kOldest;
  while (!queue_.stopped()) {
    std::string err;
    if (!connected) {
      if (!transport_->connect(&err)) {
        reached(Reach::kDown);
        if (err != down_reason && !queue_.stopped())
          say(Note::Level::kWarning, err + ": queueing records in " + o_.queue.dir + " (up to " +
                                         std::to_string(o_.queue.max_bytes) + " bytes), retrying");
        down_reason = err;
        wait();
        continue;
      }
      if (ever_connected) reconnects_.fetch_add(1, std::memory_order_relaxed);
      ever_connected = connected = true;
      reached(Reach::kUp);
      backoff = std::chrono::milliseconds(100);
      in_flight.clear();
      next_q = ForwardQueue::kOldest;  // what was not taken before goes again
      auto s = queue_.stats();
      say(Note::Level::kInfo,
          "connected" + (s.frames ? ", sending " + std::to_string(s.frames) + " queued records"
                                  : std::string()));
      down_reason.clear();
    }
    if (!in_flight.empty()) in_flight.settle(transport_->taken(), false);
    ForwardQueue::Batch b;
    // while something is in flight, look again soon: its acknowledgement frees the queue
    bool have =
        queue_.take(&b, kBatchBytes, std::chrono::milliseconds(in_flight.empty() ? 1000 : 10),
                    in_flight.empty() ? ForwardQueue::kOldest : next_q);
    if (transport_->peer_closed()) {
      err = "the collector closed the connection";
    } else if (have) {
      std::vector<std::string> messages;
      messages.reserve(b.frames.size() + 1);
      if (b.drops) {
        FinishedRecord notice =
            make_notice(forward_loss_notice(b.drops, b.damaged, describe()), monotonic_usec());
        messages.push_back(format_rfc5424(notice, boot_wall_usec(), o_.format));
      }
      size_t count = b.frames.size();
      for (std::string& f : b.frames) messages.push_back(std::move(f));
      std::vector<uint64_t> handed;
      bool ok = transport_->send(messages, &handed, &err);
      b.keep(count);  // moved from: only the count and the q numbers matter now
      next_q = b.end_q();
      in_flight.sent(std::move(b), std::move(handed), messages.size());
      if (ok) {
        in_flight.settle(transport_->taken(), false);
        continue;
      }
    } else {
      continue;
    }
    // The connection failed: what the collector took is done; the rest goes again after the
    // reconnect.
    in_flight.settle(transport_->taken(), true);
    in_flight.clear();
    transport_->close();
    connected = false;
    reached(Reach::kDown);
    if (!queue_.stopped()) {
      say(Note::Level::kWarning, err + ": queueing records in " + o_.queue.dir + ", reconnecting");
      down_reason = err;
      wait();
    }
  }
  if (connected) transport_->finish();
  if (!in_flight.empty()) in_flight.settle(transport_->taken(), true);
  sender_done_ = true;
}

}  // namespace klogd
