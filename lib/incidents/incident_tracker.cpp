#include "incidents/incident_tracker.h"

#include "incidents/incident_record.h"
#include "incidents/report_catalog.h"

namespace klogd {
namespace {

// Live, an incident record follows the record that ended its report at once.
IncidentTrackerOptions with_hand_on_at_end(IncidentTrackerOptions o) {
  o.detector.hand_on_at_end = true;
  return o;
}

}  // namespace

IncidentTracker::IncidentTracker(IncidentTrackerOptions options)
    : o_(with_hand_on_at_end(options)),
      feed_([this](CrashReport r) { ended_.push_back(namer_.name(r)); }, o_.detector,
            o_.keep_style) {}

void IncidentTracker::observe(const FinishedRecord& r, std::vector<FinishedRecord>* out,
                              std::optional<Clock::time_point> at) {
  if (r.synthetic) return;
  const KmsgRecord& k = r.record;
  last_seq_ = r.kernel_seq ? std::optional<uint64_t>(k.seq) : std::nullopt;
  last_ts_ = k.ts_usec;
  if (k.facility != 0) return;
  FeedLine line;
  line.text = r.text;
  line.context = k.caller.empty() ? std::string_view("console") : std::string_view(k.caller);
  line.number = k.seq;
  line.ts_usec = k.ts_usec;
  line.level = k.level;
  if (!feed_.feed(line, at) || ended_.empty()) return;  // nearly every record: not read
  emit(out, at ? *at : Clock::now());
}

void IncidentTracker::idle(std::vector<FinishedRecord>* out, Clock::time_point now) {
  feed_.idle(now);
  if (!ended_.empty()) emit(out, now);
}

void IncidentTracker::flush(std::vector<FinishedRecord>* out, Clock::time_point now) {
  feed_.flush();
  if (!ended_.empty()) emit(out, now);
}

void IncidentTracker::emit(std::vector<FinishedRecord>* out, Clock::time_point now) {
  for (Incident& i : ended_) {
    ++counters_.incidents;
    ++counters_.by_type[i.type];
    auto [it, fresh] = seen_.try_emplace(i.fingerprint);
    Seen& s = it->second;
    if (!fresh && now - s.emitted < o_.window) {
      ++s.suppressed;
      ++counters_.repeats;
      continue;
    }
    FinishedRecord r = incident_record(i, last_ts_, last_seq_, s.suppressed, o_.maintainers.get());
    if (!hold_ || !hold_(i, r)) out->push_back(std::move(r));
    ++counters_.emitted;
    s.emitted = now;
    s.suppressed = 0;
  }
  ended_.clear();
  // Bounded memory: past 4096 fingerprints, those whose window is over are forgotten (one that
  // had repeats then loses their count, which the metrics have counted all the same).
  if (seen_.size() > 4096) {
    for (auto it = seen_.begin(); it != seen_.end();)
      it = now - it->second.emitted >= o_.window ? seen_.erase(it) : std::next(it);
  }
}

}  // namespace klogd
