#pragma once
/// The daemon's record path, on the loop thread: raw records that the reading thread left in the
/// ring -> the record processor (parse, annotate, in-band loss notices) -> every sink's queue ->
/// the restart point (the state file never passes a record that exists only in this process).
///
/// It drains the ring in turns of at most `batch` records, delivering after each; between turns
/// the loop takes signals and timers. When a turn found records but fewer than a batch, it lets
/// more gather for `linger` before the next (a few wake-ups a second, not one per record), unless
/// the reader finds the ring full and calls it sooner (RecordRing::linger()); when it found none
/// it sleeps on the ring's eventfd, which the reader signals only then, so the first record
/// after a quiet spell goes out at once.
/// shutdown() processes what the ring still holds, retries the sinks for a bounded time, and
/// says how it went (done(status): 1 when records could not be delivered).

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "annotate/record_processor.h"
#include "incidents/incident_tracker.h"
#include "kmsg/capture.h"
#include "kmsg/line_assembler.h"
#include "kmsg/log_source.h"
#include "kmsg/record_ring.h"
#include "kmsg/seqnum_state.h"
#include "pipeline/asio.h"
#include "pipeline/source_service.h"
#include "pstore/pstore_state.h"
#include "sinks/sink_set.h"
#include "util/notes.h"

namespace klogd {

struct PipelineOptions {
  LogSource::Kind source_kind = LogSource::Kind::kDevice;  ///< where records come from
  size_t batch = 4096;
  /// While records keep coming, a turn waits this long for more before it runs: what a record may
  /// wait in a busy period. Each wake-up of the loop costs far more than a record (measured: at
  /// 20,000 records/s the loop's CPU was 1.9x lower at 50 ms than at 5 ms).
  std::chrono::milliseconds linger{50};
  std::chrono::milliseconds exit_wait{5000};  ///< how long shutdown() retries the sinks
  /// With source lines: how long an incident record may wait for its guilty frame's line.
  std::chrono::milliseconds source_line_wait{2000};
};

class Pipeline {
 public:
  struct Hooks {
    /// After a record was finished: a module-area address in it that nothing resolved.
    std::function<void()> module_miss;
    /// What is worth telling the user.
    std::function<void(const Notes& notes)> log;
    /// The source ended or failed and the shutdown that followed is done, or shutdown() is:
    /// the daemon leaves its loop with this exit status.
    std::function<void(int status)> done;
  };

  /// `state` may be null (restart continuity off).
  Pipeline(boost::asio::io_context& io, RecordRing* ring, RecordProcessor* processor,
           SinkSet* sinks, SeqnumState* state, PipelineOptions options, Hooks hooks);

  /// Incidents: every record goes past the tracker; the incident records it makes follow the
  /// record that ended their report. May be null (off).
  void set_incidents(IncidentTracker* tracker) { incidents_ = tracker; }

  /// Source lines (may be null: off). With `decorate` (--source-lines), the frames of kernel
  /// records are decorated from what the service knows; incident records wait up to
  /// `source_line_wait` for their guilty frame's line (the records around them do not).
  void set_source_lines(SourceService* service, bool decorate);

  /// Records that go out first, before any of the ring's: the previous boot's last words and
  /// crashes (pstore/previous_boot.h).
  void set_first_records(std::vector<FinishedRecord> records) { first_ = std::move(records); }

  /// Where the kernel time of the last delivered record is kept for the next boot (its pstore
  /// harvest sends only later lines). May be null (off).
  void set_delivered_clock(PstoreState* state) { delivered_clock_ = state; }

  void start();
  /// SIGTSTP / SIGCONT: records stay in the ring (and then in the kernel's) meanwhile.
  void suspend();
  void resume();
  /// Exit: what the ring holds is processed, the sinks get `exit_wait` to take it, then done().
  /// The reading thread must have stopped first.
  void shutdown(int status = 0);
  bool stopping() const { return stopping_; }

 private:
  void turn();
  void wait_for_records();
  void wait_on_ring();
  void handle(const RecordRing::Entry& e);
  void handle_entry(const RecordRing::Entry& e);
  void process_raw(std::string_view raw);
  void finish_text_line(std::string_view line);
  void observe_incidents(size_t first);
  bool hold_incident(const Incident& incident, FinishedRecord& record);
  void release_incident(uint64_t id, const std::string& source);
  void deliver();
  void mark_boot();
  void watch_incidents();
  void save_restart_point();
  void note_delivered_time();
  void save_delivered_time();
  void end_held(std::chrono::steady_clock::time_point deadline);
  void final_drain(std::chrono::steady_clock::time_point deadline);
  void log(Notes& notes) {
    if (!notes.all().empty() && hooks_.log) hooks_.log(notes);
  }

  boost::asio::io_context& io_;
  RecordRing* ring_;
  RecordProcessor* processor_;
  SinkSet* sinks_;
  SeqnumState* state_;
  PipelineOptions o_;
  Hooks hooks_;
  boost::asio::posix::stream_descriptor wake_;
  boost::asio::steady_timer linger_;
  boost::asio::steady_timer retry_;
  boost::asio::steady_timer incident_idle_;
  IncidentTracker* incidents_ = nullptr;
  SourceService* source_lines_ = nullptr;
  bool decorate_ = false;
  struct Held {
    FinishedRecord record;
    std::unique_ptr<boost::asio::steady_timer> timer;
  };
  std::map<uint64_t, Held> held_;  // incident records waiting for their source line
  uint64_t next_held_ = 0;
  std::vector<FinishedRecord> first_;
  PstoreState* delivered_clock_ = nullptr;
  std::deque<std::pair<uint64_t, uint64_t>> unsaved_times_;  // a batch's newest: seq, kernel time
  uint64_t failed_time_saves_ = 0;
  std::vector<FinishedRecord> found_;  // incident records of the entry just handled
  // The clock as the incidents see it: read once a turn, at its first record (the detector's idle
  // time and the repeat window are hundreds of milliseconds; a turn is a batch of records).
  std::optional<std::chrono::steady_clock::time_point> turn_now_;
  bool retry_armed_ = false;
  bool idle_armed_ = false;
  bool waiting_ = false;  // on the ring's eventfd
  bool suspended_ = false;
  bool stopping_ = false;
  int status_ = 0;
  std::vector<FinishedRecord> batch_;
  LineAssembler lines_;    // text sources
  CaptureReader capture_;  // a replayed capture
  uint64_t text_seq_ = 0;  // text sources have no sequence numbers: klogd counts
  uint64_t malformed_logged_ = 0;
  uint64_t failed_saves_ = 0;  // restart-point saves failed in a row (a full disk)
};

}  // namespace klogd
