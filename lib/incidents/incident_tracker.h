#pragma once
/// The daemon's incidents: each kernel record, as annotated, goes past the detector
/// (incident_detector.h); when a report ends, its incident record (incident_record.h) joins the
/// records on their way to the sinks, right after the record that ended it (unless a Hold takes
/// it, to send it later: the daemon's source lines). The records
/// themselves are never held back. Only kernel records (facility kern, read from the kernel)
/// count: userspace can write /dev/kmsg. The same fingerprint again within `window` is
/// counted, not emitted again; the next record for it says how many were not
/// (KERNEL_INCIDENT_REPEATS).

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "annotate/annotator.h"
#include "annotate/finished_record.h"
#include "incidents/incident_feed.h"
#include "incidents/incident_namer.h"
#include "incidents/maintainers.h"

namespace klogd {

struct IncidentTrackerOptions {
  std::chrono::seconds window{600};
  /// The records are annotated with --style keep ("0x... (f+0x1/0x2)"): read them as klogd's
  /// style ("f+0x1/0x2"), which the title rules expect.
  bool keep_style = false;
  DetectorOptions detector;
  /// --maintainers: each incident record names its guilty file's subsystem and maintainers.
  std::shared_ptr<const Maintainers> maintainers;
};

struct IncidentCounters {
  uint64_t incidents = 0;  ///< every incident found, repeats included
  uint64_t emitted = 0;    ///< incident records made
  uint64_t repeats = 0;    ///< found again within the window: counted only
  std::map<IncidentType, uint64_t> by_type;
};

/// Threads: the loop thread's alone (observe, idle, flush, counters); the Hold it calls runs
/// there too. counters() is read by the metrics on the same thread.
class IncidentTracker {
 public:
  using Clock = std::chrono::steady_clock;
  explicit IncidentTracker(IncidentTrackerOptions options = {});

  /// Reads one record; the incident records of reports that ended are appended to *out. `now`
  /// (default: the clock, read only when a report is open or may start) times reports out.
  /// Inline: nearly every record goes no further than the level rule and the header filter
  /// (incident_feed.h).
  /// (The time is a plain argument, not an optional: one built before the level rule cost the
  /// record path a store-forwarding stall each record.)
  void observe(const FinishedRecord& r, std::vector<FinishedRecord>* out) {
    if (looks_further(r)) observe_kernel(r, out, std::nullopt);
  }
  void observe(const FinishedRecord& r, std::vector<FinishedRecord>* out, Clock::time_point now) {
    if (looks_further(r)) observe_kernel(r, out, now);
  }
  /// Ends the reports that went quiet (a timer calls it while open()).
  void idle(std::vector<FinishedRecord>* out, Clock::time_point now = Clock::now());
  /// The end: every open report ends.
  void flush(std::vector<FinishedRecord>* out, Clock::time_point now = Clock::now());
  bool open() const { return feed_.open(); }
  /// Sees each incident record as it is made, with its incident; when it returns true it has
  /// taken the record (moved from) to send later itself (the daemon's source lines), else the
  /// record goes out as usual.
  using Hold = std::function<bool(const Incident& incident, FinishedRecord& record)>;
  void set_hold(Hold hold) { hold_ = std::move(hold); }
  const IncidentCounters& counters() const { return counters_; }
  const Maintainers* maintainers() const { return o_.maintainers.get(); }

 private:
  void emit(std::vector<FinishedRecord>* out, Clock::time_point now);
  /// Notes the record's place; whether it is a kernel record the level rule and the header
  /// filter let through.
  bool looks_further(const FinishedRecord& r) {
    if (r.synthetic) return false;
    last_seq_ = r.kernel_seq ? std::optional<uint64_t>(r.record.seq) : std::nullopt;
    last_ts_ = r.record.ts_usec;
    return r.record.facility == 0 && !feed_.passes_over(r.record.level, r.text);
  }
  /// A kernel record that may open a report or belongs to an open one.
  void observe_kernel(const FinishedRecord& r, std::vector<FinishedRecord>* out,
                      std::optional<Clock::time_point> now);
  /// Whether an incident of this fingerprint would be emitted now (not a repeat in its window).
  bool wanted(const std::string& fingerprint);
  Clock::time_point now();

  struct Ended {
    Incident incident;
    bool whole = true;  ///< false: a repeat in its window, named only as far as counting needs
  };

  struct Seen {
    Clock::time_point emitted;
    uint64_t suppressed = 0;
  };
  IncidentTrackerOptions o_;
  std::vector<Ended> ended_;
  std::optional<Clock::time_point> now_;  ///< the time of the call in progress, once read
  IncidentNamer namer_;
  IncidentFeed feed_;
  std::map<std::string, Seen> seen_;
  IncidentCounters counters_;
  Hold hold_;
  std::optional<uint64_t> last_seq_;  // the last kernel record's, when it had one
  uint64_t last_ts_ = 0;
};

}  // namespace klogd
