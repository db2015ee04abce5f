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
      feed_(
          [this](CrashReport r) {
            Ended e;
            e.incident = namer_.name(
                r, [this](const std::string& fp) { return wanted(fp); }, &e.whole);
            ended_.push_back(std::move(e));
            feed_.recycle(std::move(r));
          },
          o_.detector, o_.keep_style) {}

IncidentTracker::Clock::time_point IncidentTracker::now() {
  if (!now_) now_ = Clock::now();  // read only when a report ends
  return *now_;
}

bool IncidentTracker::wanted(const std::string& fingerprint) {
  auto it = seen_.find(fingerprint);
  return it == seen_.end() || now() - it->second.emitted >= o_.window;
}

void IncidentTracker::observe_kernel(const FinishedRecord& r, std::vector<FinishedRecord>* out,
                                     std::optional<Clock::time_point> at) {
  const KmsgRecord& k = r.record;
  FeedLine line;
  line.text = r.text;
  line.context = k.caller.empty() ? std::string_view("console") : std::string_view(k.caller);
  line.number = k.seq;
  line.ts_usec = k.ts_usec;
  line.level = k.level;
  now_ = at;
  if (!feed_.feed(line, at) || ended_.empty()) return;  // nearly every record: not read
  emit(out, now());
}

void IncidentTracker::idle(std::vector<FinishedRecord>* out, Clock::time_point now) {
  now_ = now;
  feed_.idle(now);
  if (!ended_.empty()) emit(out, now);
}

void IncidentTracker::flush(std::vector<FinishedRecord>* out, Clock::time_point now) {
  now_ = now;
  feed_.flush();
  if (!ended_.empty()) emit(out, now);
}

void IncidentTracker::emit(std::vector<FinishedRecord>* out, Clock::time_point now) {
  for (Ended& e : ended_) {
    Incident& i = e.incident;
    ++counters_.incidents;
    ++counters_.by_type[i.type];
    auto [it, fresh] = seen_.try_emplace(i.fingerprint);
    Seen& s = it->second;
    // a repeat the namer was told would only be counted is one (it was in its window then, at
    // the same `now`, and only this loop changes what was seen)
    if (!e.whole || (!fresh && now - s.emitted < o_.window)) {
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
