#include "forward_sink.h"

#include <time.h>

#include <random>

#include "record_processor.h"
#include "wall_clock.h"

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

bool ForwardSink::start(std::string* err) {
  std::string report;
  if (!queue_.open(&report, err)) return false;
  if (!report.empty()) say(0, report);
  if (o_.tls.insecure_no_verify)
    say(2, "TLS certificate verification is OFF (--tls-insecure-for-tests): anyone can read and "
           "forge this log stream");
  sender_ = std::thread([this] { run(); });
  return true;
}

void ForwardSink::stop(std::chrono::milliseconds grace) {
  if (!sender_.joinable()) return;
  auto deadline = std::chrono::steady_clock::now() + grace;
  while (pending() > 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  queue_.stop();
  transport_->interrupt();
  sender_.join();
  std::string err;
  if (!queue_.spill(&err)) say(2, err + ": records lost at exit");
  auto s = queue_.stats();
  if (s.frames) say(0, std::to_string(s.frames) + " records kept in " + o_.queue.dir + " for the next start");
  transport_->close();
}

bool ForwardSink::write(const FinishedRecord& r, std::string*) {
  queue_.push(format_rfc5424(r, boot_wall_usec(), o_.format));
  return true;  // queued; the queue drops the oldest and counts them when full
}

bool ForwardSink::flush(std::string*) {
  std::string err;
  if (!queue_.settle(&err)) {
    if (err != last_flush_error_) say(2, err);
    last_flush_error_ = err;
  } else {
    last_flush_error_.clear();
  }
  return true;
}

size_t ForwardSink::pending() const {
  return queue_.target_up() ? queue_.stats().frames : 0;
}

void ForwardSink::run() {
  std::mt19937 rng{std::random_device{}()};
  std::uniform_real_distribution<double> jitter(0.8, 1.2);
  auto backoff = std::chrono::milliseconds(100);
  auto wait = [&] {
    queue_.sleep(std::chrono::milliseconds(static_cast<long>(backoff.count() * jitter(rng))));
    backoff = std::min(backoff * 2, std::chrono::milliseconds(30000));
  };
  bool connected = false;
  std::string down_reason;  // what was last said about the target being away
  while (!queue_.stopped()) {
    std::string err;
    if (!connected) {
      if (!transport_->connect(&err)) {
        queue_.set_target_up(false);
        if (err != down_reason && !queue_.stopped())
          say(1, err + ": queueing records in " + o_.queue.dir + " (up to " +
                     std::to_string(o_.queue.max_bytes) + " bytes), retrying");
        down_reason = err;
        wait();
        continue;
      }
      connected = true;
      backoff = std::chrono::milliseconds(100);
      queue_.set_target_up(true);
      auto s = queue_.stats();
      say(0, "connected" + (s.frames ? ", sending " + std::to_string(s.frames) + " queued records"
                                     : std::string()));
      down_reason.clear();
    }
    ForwardQueue::Batch b;
    bool have = queue_.take(&b, kBatchBytes, std::chrono::milliseconds(1000));
    if (transport_->peer_closed()) {
      err = "the collector closed the connection";
    } else if (have) {
      std::vector<std::string> messages;
      messages.reserve(b.frames.size() + 1);
      if (b.drops) {
        FinishedRecord notice = RecordProcessor::make_notice(
            "klogd: dropped " + std::to_string(b.drops) + " records for " + describe() +
                " while it was unavailable (queue full)",
            monotonic_usec(), 0);
        messages.push_back(format_rfc5424(notice, boot_wall_usec(), o_.format));
      }
      for (std::string& f : b.frames) messages.push_back(std::move(f));
      size_t sent = 0;
      bool ok = transport_->send(messages, &sent, &err);
      bool stated = b.drops > 0 && sent > 0;
      size_t frames_sent = sent - (b.drops > 0 && sent > 0 ? 1 : 0);
      b.frames.resize(frames_sent);  // moved-from strings; only the count matters now
      if (!stated) b.drops = 0;
      if (frames_sent > 0 || stated) queue_.commit(b);
      if (ok) continue;
    } else {
      continue;
    }
    // the connection failed: what was not handed over is sent again after a reconnect
    transport_->close();
    connected = false;
    queue_.set_target_up(false);
    if (!queue_.stopped()) {
      say(1, err + ": queueing records in " + o_.queue.dir + ", reconnecting");
      down_reason = err;
      wait();
    }
  }
}

}  // namespace klogd
