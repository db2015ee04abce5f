// The incident engine's costs (issue "incidents at storm speed"):
// - BM_TitleReports: each crash report of the shared corpora (syzkaller's 151 logs, the Debian
//   boot's console) titled alone (title_report), and named alone, from its lines to the whole
//   Incident with a fresh namer (title, details, frames, fingerprint); counters: the median and
//   p99 time per report in microseconds over all reports, and how many reports. (The catalog
//   compiles each pattern on first use: one untimed pass first; that start-up is measured on the
//   whole command, README "Benchmarks".)
// - BM_WarnStorm / BM_WarnStormPlain: 200 copies of the Debian boot's WARN report through the
//   live tracker, against the same records with the report's header lines made plain text.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "decode/decode_output.h"
#include "incidents/incident_detector.h"
#include "incidents/incident_namer.h"
#include "incidents/incident_tracker.h"
#include "incidents/report_catalog.h"
#include "incidents/report_title.h"

namespace {

std::string slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// The reports the detector finds in a saved log, not yet named.
void collect(std::string_view log, std::vector<klogd::CrashReport>* out) {
  klogd::IncidentFeed d([&](klogd::CrashReport r) { out->push_back(std::move(r)); }, {}, false);
  klogd::for_each_log_line(log, [&](size_t n, std::string_view, const klogd::LogLine& l) {
    d.feed(klogd::feed_line(l, l.text, n));
  });
  d.flush();
}

const std::vector<klogd::CrashReport>& corpus_reports() {
  static const std::vector<klogd::CrashReport> reports = [] {
    std::vector<klogd::CrashReport> r;
    const std::string cases = KLOGD_BENCH_DATA "/syzkaller/cases/";
    for (const auto& e : std::filesystem::directory_iterator(cases)) {
      std::string all = slurp(e.path().string());
      size_t end = all.starts_with('\n') ? 0 : all.find("\n\n");
      if (end == std::string::npos) continue;
      collect(std::string_view(all).substr(end == 0 ? 1 : end + 2), &r);
    }
    collect(slurp(KLOGD_BENCH_DATA "/debian/console.txt"), &r);
    return r;
  }();
  return reports;
}

}  // namespace

static void BM_TitleReports(benchmark::State& state) {
  const auto& reports = corpus_reports();
  std::vector<double> title, name;
  // once untimed: the catalog compiles each pattern on its first use (start-up, measured on the
  // whole command), not each time a report is titled
  for (const klogd::CrashReport& r : reports) klogd::IncidentNamer().name(r);
  for (auto _ : state) {
    title.clear();
    name.clear();
    for (const klogd::CrashReport& r : reports) {
      auto t0 = std::chrono::steady_clock::now();
      klogd::ReportTitle t = klogd::title_report(*r.kind, r.lines, r.title_lines);
      auto t1 = std::chrono::steady_clock::now();
      klogd::IncidentNamer namer;  // a fresh one: nothing seen before
      klogd::Incident i = namer.name(r);
      auto t2 = std::chrono::steady_clock::now();
      benchmark::DoNotOptimize(t.title.data());
      benchmark::DoNotOptimize(i.title.data());
      title.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
      name.push_back(std::chrono::duration<double, std::micro>(t2 - t1).count());
    }
  }
  std::sort(title.begin(), title.end());
  std::sort(name.begin(), name.end());
  state.counters["reports"] = static_cast<double>(title.size());
  state.counters["title_median_us"] = title[title.size() / 2];
  state.counters["title_p99_us"] = title[title.size() * 99 / 100];
  state.counters["incident_median_us"] = name[name.size() / 2];
  state.counters["incident_p99_us"] = name[name.size() * 99 / 100];
}
BENCHMARK(BM_TitleReports)->Unit(benchmark::kMillisecond)->Iterations(5);

namespace {

// The Debian boot's WARN report (its kmsg records from "cut here" to "end trace"), 200 times.
std::vector<klogd::FinishedRecord> warn_storm(bool plain) {
  std::string log = slurp(KLOGD_BENCH_DATA "/debian/kmsg.raw");
  std::vector<std::string> report;
  bool in = false;
  klogd::for_each_log_line(log, [&](size_t, std::string_view, const klogd::LogLine& l) {
    if (l.form != klogd::LogLine::Form::kKmsgRecord) return;
    if (l.text.find("[ cut here ]") != std::string_view::npos) in = !report.size();
    if (in) report.emplace_back(l.text);
    if (l.text.find("---[ end trace") != std::string_view::npos) in = false;
  });
  std::vector<klogd::FinishedRecord> out;
  uint64_t seq = 0;
  for (int k = 0; k < 200; ++k) {
    for (const std::string& t : report) {
      klogd::FinishedRecord r;
      r.record.seq = seq++;
      r.record.ts_usec = seq * 10;
      r.record.facility = 0;
      r.text = t;
      if (plain) {  // no header, no marker: nothing opens
        for (const char* w : {"WARNING:", "[ cut here ]", "---[ end trace"}) {
          size_t at = r.text.find(w);
          if (at != std::string::npos) r.text[at] = 'x';
        }
      }
      out.push_back(std::move(r));
    }
  }
  return out;
}

void storm(benchmark::State& state, bool plain) {
  static const auto records = warn_storm(false);
  static const auto plain_records = warn_storm(true);
  const auto& rs = plain ? plain_records : records;
  std::vector<klogd::FinishedRecord> found;
  for (auto _ : state) {
    klogd::IncidentTracker t;
    const auto now = klogd::IncidentTracker::Clock::now();
    for (const auto& r : rs) t.observe(r, &found, now);
    t.flush(&found, now);
    state.counters["incidents"] = static_cast<double>(t.counters().incidents);
    found.clear();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * rs.size()));
}

}  // namespace

static void BM_WarnStorm(benchmark::State& state) { storm(state, false); }
BENCHMARK(BM_WarnStorm)->Unit(benchmark::kMillisecond);
static void BM_WarnStormPlain(benchmark::State& state) { storm(state, true); }
BENCHMARK(BM_WarnStormPlain)->Unit(benchmark::kMillisecond);

// The header probe alone (may_start_report: every kernel record at warning level or more
// urgent that no report holds is probed), on the Debian boot's console lines (their text after
// the time stamp, 457 lines, nearly none a header): ns per line.
static void BM_MayStartReport(benchmark::State& state) {
  static const std::vector<std::string> lines = [] {
    std::vector<std::string> v;
    std::istringstream in(slurp(KLOGD_BENCH_DATA "/debian/console.txt"));
    for (std::string l; std::getline(in, l);) {
      const size_t close = l.starts_with('[') ? l.find("] ") : std::string::npos;
      v.push_back(close == std::string::npos ? l : l.substr(close + 2));
    }
    return v;
  }();
  size_t hits = 0, i = 0;
  for (auto _ : state) {
    hits += klogd::may_start_report(lines[i]);
    if (++i == lines.size()) i = 0;
  }
  benchmark::DoNotOptimize(hits);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.counters["lines"] = static_cast<double>(lines.size());
}
BENCHMARK(BM_MayStartReport);
