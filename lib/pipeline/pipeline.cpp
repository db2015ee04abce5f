#include "pipeline/pipeline.h"

#include <unistd.h>

#include <algorithm>

#include "incidents/incident_record.h"
#include "kmsg/text_line.h"

namespace klogd {

namespace asio = boost::asio;

Pipeline::Pipeline(asio::io_context& io, RecordRing* ring, RecordProcessor* processor,
                   SinkSet* sinks, SeqnumState* state, PipelineOptions options, Hooks hooks)
    : io_(io),
      ring_(ring),
      processor_(processor),
      sinks_(sinks),
      state_(state),
      o_(options),
      hooks_(std::move(hooks)),
      wake_(io, ::dup(ring->wake_fd())),
      linger_(io),
      retry_(io),
      incident_idle_(io) {}

void Pipeline::start() {
  if (!first_.empty()) {  // the previous boot's, ahead of this boot's first record
    for (FinishedRecord& r : first_) batch_.push_back(std::move(r));
    first_.clear();
    deliver();
  }
  asio::post(io_, [this] { turn(); });
}

// The kernel time of the newest of this boot's records that no sink holds only in memory: what
// the next boot need not send again from pstore. One mark per delivered batch (its newest
// record), so that a flood costs nothing here.
void Pipeline::note_delivered_time() {
  if (!delivered_clock_) return;
  for (auto it = batch_.rbegin(); it != batch_.rend(); ++it) {
    if (it->synthetic || it->boot != RecordBoot::kThis) continue;
    if (unsaved_times_.empty() || unsaved_times_.back().first < it->record.seq)
      unsaved_times_.emplace_back(it->record.seq, it->record.ts_usec);
    break;
  }
}

void Pipeline::save_delivered_time() {
  if (!delivered_clock_ || unsaved_times_.empty()) return;
  std::optional<uint64_t> held = sinks_->oldest_volatile_seq();
  std::optional<uint64_t> ts;
  while (!unsaved_times_.empty() && (!held || unsaved_times_.front().first < *held)) {
    ts = unsaved_times_.front().second;
    unsaved_times_.pop_front();
  }
  std::string err;
  if (ts && !delivered_clock_->save_delivered(*ts, &err) && failed_time_saves_++ == 0) {
    Notes n;
    n.warn(err);
    log(n);
  }
}

void Pipeline::suspend() { suspended_ = true; }

void Pipeline::resume() {
  if (!suspended_) return;
  suspended_ = false;
  asio::post(io_, [this] { turn(); });  // a second chain of turns, if any, merges at the next wait
}

// One turn: up to a batch of entries from the ring, then delivery.
void Pipeline::turn() {
  if (suspended_ || stopping_) return;
  turn_now_.reset();
  size_t n = 0;
  RecordRing::Entry e;
  // A turn ends after `batch` ring entries or records (a capture's chunk holds hundreds).
  while (n < o_.batch && batch_.size() < o_.batch && !stopping_ && ring_->peek(&e)) {
    handle(e);
    ring_->pop();
    ++n;
  }
  deliver();
  if (stopping_ || suspended_) return;
  if (n == o_.batch || ring_->peek(&e)) {
    asio::post(io_, [this] { turn(); });  // more is waiting: go on, signals and timers first
  } else if (n > 0) {
    // Let records gather: one wake-up per few ms, or sooner when the reader needs the loop (it
    // found the ring full).
    ring_->linger();
    wait_on_ring();
    linger_.expires_after(o_.linger);
    linger_.async_wait([this](boost::system::error_code ec) {
      if (ec) return;
      ring_->woken();
      turn();
    });
  } else {
    if (o_.source_kind == LogSource::Kind::kCapture) {  // a quiet pipe: its last record goes now
      capture_.idle([&](std::string_view raw) { process_raw(raw); });
      if (!batch_.empty()) deliver();
    }
    wait_for_records();
  }
}

void Pipeline::wait_for_records() {
  if (!ring_->sleep()) {  // something arrived meanwhile
    asio::post(io_, [this] { turn(); });
    return;
  }
  wait_on_ring();
}

// One wait on the ring's eventfd at a time; it also ends a linger.
void Pipeline::wait_on_ring() {
  if (waiting_) return;
  waiting_ = true;
  wake_.async_wait(asio::posix::stream_descriptor::wait_read, [this](boost::system::error_code ec) {
    waiting_ = false;
    if (ec) return;
    ring_->woken();
    linger_.cancel();
    turn();
  });
}

void Pipeline::handle(const RecordRing::Entry& e) {
  uint64_t misses = processor_->counters().module_misses;
  handle_entry(e);
  if (processor_->counters().module_misses != misses && hooks_.module_miss) hooks_.module_miss();
}

void Pipeline::set_source_lines(SourceService* service, bool decorate) {
  source_lines_ = service;
  decorate_ = service && decorate;
  if (incidents_ && service)
    incidents_->set_hold(
        [this](const Incident& i, FinishedRecord& r) { return hold_incident(i, r); });
}

// The records one kernel record became go past the incidents; an incident that this record
// ended follows it. Then, with --source-lines, the kernel's records get their frames' lines
// (after the incidents read them: titles and fingerprints are the kernel's text).
void Pipeline::observe_incidents(size_t first) {
  const size_t end = batch_.size();
  if (incidents_) {
    if (!turn_now_) turn_now_ = IncidentTracker::Clock::now();
    const auto now = *turn_now_;
    for (size_t i = first; i < end; ++i) incidents_->observe(batch_[i], &found_, now);
    for (FinishedRecord& r : found_) batch_.push_back(std::move(r));
    found_.clear();
  }
  if (!decorate_) return;
  for (size_t i = first; i < end; ++i) {
    FinishedRecord& r = batch_[i];
    if (r.synthetic || r.record.facility != 0 || r.text.find("+0x") == std::string::npos) continue;
    std::string decorated = source_lines_->decorate(r.text);
    if (decorated == r.text) continue;
    if (r.original.empty()) r.original = r.text;
    r.text = std::move(decorated);
  }
}

// An incident record waits for its guilty frame's line, `source_line_wait` at most; the records
// after it go on meanwhile.
bool Pipeline::hold_incident(const Incident& incident, FinishedRecord& record) {
  const uint64_t id = next_held_++;
  Held& h = held_[id];
  h.record = std::move(record);
  h.timer = std::make_unique<asio::steady_timer>(io_, o_.source_line_wait);
  h.timer->async_wait([this, id](boost::system::error_code ec) {
    if (!ec) release_incident(id, "");
  });
  source_lines_->guilty_source(incident,
                               [this, id](std::string source) { release_incident(id, source); });
  return true;
}

void Pipeline::release_incident(uint64_t id, const std::string& source) {
  auto it = held_.find(id);
  if (it == held_.end()) return;  // told already (the wait ran out, or the end came)
  add_incident_source(&it->second.record, source, incidents_ ? incidents_->maintainers() : nullptr);
  it->second.timer->cancel();
  batch_.push_back(std::move(it->second.record));
  held_.erase(it);
  if (!stopping_) deliver();
}

void Pipeline::finish_text_line(std::string_view line) {
  KmsgRecord r;
  parse_text_line(line, text_seq_++, &r);
  size_t first = batch_.size();
  processor_->finish(std::move(r), &batch_);
  for (size_t i = first; i < batch_.size(); ++i)
    batch_[i].kernel_seq = false;  // ours, not the kernel's
  observe_incidents(first);
}

// A report in progress that goes quiet ends after the detector's idle time: its incident record
// then goes out without waiting for another record.
void Pipeline::watch_incidents() {
  if (!incidents_ || idle_armed_ || stopping_ || !incidents_->open()) return;
  idle_armed_ = true;
  incident_idle_.expires_after(std::chrono::milliseconds(500));
  incident_idle_.async_wait([this](boost::system::error_code ec) {
    idle_armed_ = false;
    if (ec || stopping_) return;
    incidents_->idle(&batch_);
    if (!batch_.empty()) deliver();
    watch_incidents();
  });
}

void Pipeline::handle_entry(const RecordRing::Entry& e) {
  switch (e.kind) {
    case RecordRing::Kind::kRecord:
      process_raw(e.bytes);
      break;
    case RecordRing::Kind::kChunk:
      if (o_.source_kind == LogSource::Kind::kCapture) {
        capture_.feed(e.bytes, [&](std::string_view raw) { process_raw(raw); });
      } else {
        lines_.feed(e.bytes, [&](std::string_view line) { finish_text_line(line); });
      }
      break;
    case RecordRing::Kind::kOverrun:  // the sequence gap says how many
      break;
    case RecordRing::Kind::kEnd:
      capture_.finish([&](std::string_view raw) { process_raw(raw); });
      lines_.finish([&](std::string_view line) { finish_text_line(line); });
      asio::post(io_, [this] { shutdown(status_); });
      break;
    case RecordRing::Kind::kError: {
      Notes n;
      n.error(std::string(e.bytes));
      log(n);
      asio::post(io_, [this] { shutdown(1); });
      break;
    }
  }
}

void Pipeline::process_raw(std::string_view raw) {
  size_t first = batch_.size();
  ParseError pe = processor_->process(raw, &batch_);
  observe_incidents(first);
  if (pe != ParseError::kOk && malformed_logged_++ < 10) {
    Notes n;
    n.warn("malformed record delivered with its damage marked (" + std::string(to_string(pe)) +
           ")");
    log(n);
  }
}

// A saved capture's records are not this boot's: no sink dates them by this boot's clock or
// names them by its boot id.
void Pipeline::mark_boot() {
  if (o_.source_kind != LogSource::Kind::kCapture) return;
  for (FinishedRecord& r : batch_)
    if (r.boot == RecordBoot::kThis) r.boot = RecordBoot::kReplay;
}

void Pipeline::deliver() {
  Notes notes;
  size_t size = batch_.size();
  mark_boot();
  note_delivered_time();
  SinkSet::Outcome o = sinks_->deliver(&batch_, &notes);
  // The batch moved on whole: room for a turn like this one, so that records are not moved
  // about while the vector grows.
  batch_.reserve(std::clamp<size_t>(size + size / 4, 64, o_.batch + 16));
  log(notes);
  watch_incidents();
  if (o.pending && !retry_armed_ && !stopping_) {
    retry_armed_ = true;
    retry_.expires_after(std::chrono::milliseconds(o.retry_ms()));
    retry_.async_wait([this](boost::system::error_code ec) {
      retry_armed_ = false;
      if (!ec) deliver();
    });
  }
  save_restart_point();
  save_delivered_time();
}

// The restart point: the oldest record some sink holds only in memory, else the next to read.
void Pipeline::save_restart_point() {
  if (!state_ || !processor_->expected_seq()) return;
  uint64_t next = *processor_->expected_seq();
  if (auto held = sinks_->oldest_volatile_seq()) next = std::min(next, *held);
  std::string err;
  bool saved = state_->save(next, &err);
  // A full disk: one warning when saving starts failing, one when it works again, not one per
  // batch.
  if (!saved && failed_saves_++ == 0) {
    Notes n;
    n.warn(err + " (the restart position stays where it was until it can be saved again)");
    log(n);
  } else if (saved && failed_saves_ > 0) {
    Notes n;
    n.info("the restart position is saved again (" + std::to_string(failed_saves_) +
           " saves had failed)");
    log(n);
    failed_saves_ = 0;
  }
}

void Pipeline::shutdown(int status) {
  if (stopping_) return;
  stopping_ = true;
  status_ = status;
  boost::system::error_code ec;
  wake_.cancel(ec);
  linger_.cancel();
  retry_.cancel();
  incident_idle_.cancel();
  // What the reader handed over before it stopped is processed too.
  turn_now_.reset();
  RecordRing::Entry e;
  while (ring_->peek(&e)) {
    if (e.kind != RecordRing::Kind::kEnd) handle(e);
    ring_->pop();
  }
  // A capture's last record, held back until the next one shows it complete, goes too.
  if (o_.source_kind == LogSource::Kind::kCapture)
    capture_.finish([&](std::string_view raw) { process_raw(raw); });
  if (incidents_) incidents_->flush(&batch_);  // a report cut by the end is still told
  end_held(std::chrono::steady_clock::now() + o_.source_line_wait);
}

// The end: incident records still waiting for their line get what is left of their wait.
void Pipeline::end_held(std::chrono::steady_clock::time_point deadline) {
  if (!held_.empty() && std::chrono::steady_clock::now() < deadline) {
    retry_.expires_after(std::chrono::milliseconds(5));
    retry_.async_wait([this, deadline](boost::system::error_code) { end_held(deadline); });
    return;
  }
  while (!held_.empty()) release_incident(held_.begin()->first, "");
  final_drain(std::chrono::steady_clock::now() + o_.exit_wait);
}

// Exit writes out what is queued: retried for a bounded time while a sink is busy or down.
void Pipeline::final_drain(std::chrono::steady_clock::time_point deadline) {
  Notes notes;
  mark_boot();
  note_delivered_time();
  sinks_->deliver(&batch_, &notes);
  log(notes);
  save_restart_point();
  save_delivered_time();
  if (sinks_->worth_waiting() && std::chrono::steady_clock::now() < deadline) {
    retry_.expires_after(std::chrono::milliseconds(5));
    retry_.async_wait([this, deadline](boost::system::error_code) { final_drain(deadline); });
    return;
  }
  Notes end;
  uint64_t lost = sinks_->undelivered(&end);
  sinks_->stop();  // forward targets keep what is left in their files
  save_restart_point();
  save_delivered_time();
  log(end);
  if (hooks_.done) hooks_.done(lost > 0 ? 1 : status_);
}

}  // namespace klogd
