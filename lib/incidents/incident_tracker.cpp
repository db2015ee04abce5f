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
      detector_([this](CrashReport r) { ended_.push_back(namer_.name(r)); }, o_.detector) {}

void IncidentTracker::observe(const FinishedRecord& r, std::vector<FinishedRecord>* out,
                              std::optional<Clock::time_point> at) {
  if (r.synthetic) return;
  const KmsgRecord& k = r.record;
  last_seq_ = r.kernel_seq ? std::optional<uint64_t>(k.seq) : std::nullopt;
  last_ts_ = k.ts_usec;
  // Nearly every record: not the kernel's, or no report open and nothing that may start one. The
  // kernel prints every report's first line ("[ cut here ]", "WARNING:", "BUG:", "Oops",
  // "Kernel panic", ...) at warning level or above (pr_warn ... pr_emerg): an info, notice or
  // debug record is not even looked at then.
  if (k.facility != 0 ||
      (!detector_.busy() && (k.level > kMaxReportStartLevel || !may_start_report(r.text))))
    return;
  const Clock::time_point now = at ? *at : Clock::now();
  std::string_view text = r.text;
  if (o_.keep_style && text.find(" (") != std::string_view::npos) {
    scratch_.clear();
    klogd_style_text(text, &scratch_);
    text = scratch_;
  }
  ReportLine line;
  line.context = k.caller.empty() ? std::string_view("console") : std::string_view(k.caller);
  line.number = k.seq;
  line.ts_usec = k.ts_usec;
  // one line per record, as a rule; a record with newlines is several
  for (size_t start = 0;;) {
    size_t nl = text.find('\n', start);
    line.text = text.substr(start, nl == std::string_view::npos ? nl : nl - start);
    detector_.feed(line, now);
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  if (!ended_.empty()) emit(out, now);
}

void IncidentTracker::idle(std::vector<FinishedRecord>* out, Clock::time_point now) {
  detector_.idle(now);
  if (!ended_.empty()) emit(out, now);
}

void IncidentTracker::flush(std::vector<FinishedRecord>* out, Clock::time_point now) {
  detector_.flush();
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
    FinishedRecord r = incident_record(i, last_ts_, last_seq_, s.suppressed);
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

void klogd_style_text(std::string_view s, std::string* out) {
  // "0x<16 hex> (NAME)" and "[<hex>] (NAME)": the address goes, the name stays.
  size_t i = 0;
  while (i < s.size()) {
    size_t open = s.find(" (", i);
    if (open == std::string_view::npos) break;
    size_t close = s.find(')', open);
    size_t a = open;
    bool addr = false;
    if (open >= 18 && s.substr(open - 18, 2) == "0x") {
      a = open - 18;
      addr = s.substr(a + 2, 16).find_first_not_of("0123456789abcdef") == std::string_view::npos;
    } else if (open >= 2 && s.substr(open - 2, 2) == ">]") {
      size_t lb = s.rfind("[<", open);
      if (lb != std::string_view::npos && open - lb <= 20) {
        a = lb;
        addr = true;
      }
    }
    if (!addr || close == std::string_view::npos) {
      out->append(s.substr(i, open + 2 - i));
      i = open + 2;
      continue;
    }
    out->append(s.substr(i, a - i));
    out->append(s.substr(open + 2, close - open - 2));
    i = close + 1;
  }
  out->append(s.substr(i));
}

}  // namespace klogd
