// Records per second through parse -> annotate -> format (klogd file line), without and with
// the incident engine reading every record (arg 0 / 1): on typical records, and on the Debian
// boot's capture that holds a WARN and an oops.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>

#include "annotate/annotator.h"
#include "annotate/record_processor.h"
#include "bench_data.h"
#include "incidents/incident_tracker.h"
#include "metrics/daemon_metrics.h"

namespace {

struct Setup {
  klogd::Symbolizer symbolizer;
  std::vector<std::string> records;
  Setup() {
    auto t = std::make_shared<klogd::SymbolTable>();
    std::string err;
    t->load_file(bench_map_path(), &err);
    klogd::CoreSymbols core;
    core.table = t;
    symbolizer.set_core(core);
    char addr[32];
    std::snprintf(addr, sizeof addr, "%016llx",
                  static_cast<unsigned long long>(t->first_address() + 0x1234));
    // Typical records: most carry no address; one in eight has a classic trace entry.
    const char* plain[] = {
        "6,%d,1234567,-;EXT4-fs (vda): mounted filesystem with ordered data mode. Quota mode: "
        "none.\n",
        "6,%d,1234567,-;usb 1-1: new high-speed USB device number 2 using xhci_hcd\n "
        "SUBSYSTEM=usb\n DEVICE=c189:1\n",
        "4,%d,1234567,-;audit: type=1400 audit(1700000000.123:42): apparmor=\"DENIED\" "
        "operation=\"open\"\n",
        "6,%d,1234567,-;e1000e 0000:00:19.0 eth0: NIC Link is Up 1000 Mbps Full Duplex, Flow "
        "Control: None\n",
        "5,%d,1234567,-;random: crng init done\n",
        "6,%d,1234567,-;NET: Registered PF_INET6 protocol family\n",
        "3,%d,1234567,-;blk_update_request: I/O error, dev sda, sector 123456 op 0x0:(READ)\n",
    };
    char buf[512];
    for (int i = 0; i < 1024; ++i) {
      if (i % 8 == 7) {
        std::snprintf(buf, sizeof buf, "4,%d,1234567,-; [<%s>] ? do_something+0x1/0x2\n", i, addr);
      } else {
        std::snprintf(buf, sizeof buf, plain[i % 7], i);
      }
      records.push_back(buf);
    }
  }
};

// One record as the pipeline takes it: parsed and annotated, read by the incident engine when
// there is one (the incident records it makes join the output), formatted as klogd's file line.
struct RecordPath {
  explicit RecordPath(klogd::Symbolizer* symbolizer)
      : annotator(symbolizer, {}), processor(&annotator) {}
  void take(const std::string& raw, klogd::IncidentTracker* incidents) {
    out.clear();
    processor.process(raw, &out);
    if (incidents) {
      for (const auto& r : out) incidents->observe(r, &found, now);
      for (auto& r : found) out.push_back(std::move(r));
      found.clear();
    }
    line.clear();
    for (const auto& r : out) klogd::append_klogd_line(r, r.text, &line);
    benchmark::DoNotOptimize(line.data());
  }
  klogd::Annotator annotator;
  klogd::RecordProcessor processor;
  std::vector<klogd::FinishedRecord> out, found;
  std::string line;
  const klogd::IncidentTracker::Clock::time_point now = klogd::IncidentTracker::Clock::now();
};

// One pass over `records` as the pipeline does it.
void run(benchmark::State& state, const std::vector<std::string>& records,
         klogd::Symbolizer* symbolizer) {
  RecordPath path(symbolizer);
  std::unique_ptr<klogd::IncidentTracker> incidents;
  if (state.range(0)) incidents = std::make_unique<klogd::IncidentTracker>();
  size_t i = 0;
  for (auto _ : state) path.take(records[i++ % records.size()], incidents.get());
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  if (incidents) state.counters["incidents"] = static_cast<double>(incidents->counters().incidents);
}

std::vector<std::string> capture_records(const char* path) {
  std::ifstream f(path);
  std::vector<std::string> records;
  for (std::string l; std::getline(f, l);) {
    if (l.empty()) continue;
    if (l[0] == ' ' && !records.empty())
      records.back() += l + "\n";  // a dictionary line
    else
      records.push_back(l + "\n");
  }
  return records;
}

}  // namespace

static void BM_ParseAnnotateFormat(benchmark::State& state) {
  static Setup s;
  run(state, s.records, &s.symbolizer);
}
BENCHMARK(BM_ParseAnnotateFormat)->ArgName("incidents")->Arg(0)->Arg(1);

// The engine's share of the record path, measured in pairs: each turn runs the typical records
// through the path once without and once with the engine (in turns ABBA, so that neither side is
// always the one with warm caches), each half timed by itself; the figure is the median of the
// turns' ratios. A slow spell of this shared machine lasts longer than a turn (~0.5 ms), so it
// falls on both halves of the turns it touches, where it moves two medians taken over separate
// repetitions apart by as much as the engine costs.
static void BM_EngineSharePaired(benchmark::State& state) {
  static Setup s;
  RecordPath path(&s.symbolizer);
  klogd::IncidentTracker incidents;
  using Clock = std::chrono::steady_clock;
  auto half = [&](bool engine) {
    const auto t0 = Clock::now();
    for (const std::string& raw : s.records) path.take(raw, engine ? &incidents : nullptr);
    return std::chrono::duration<double, std::nano>(Clock::now() - t0).count();
  };
  std::vector<double> ratios, without, with;
  bool engine_first = false;
  for (auto _ : state) {
    double a, b;
    if (engine_first) {
      b = half(true);
      a = half(false);
    } else {
      a = half(false);
      b = half(true);
    }
    engine_first = !engine_first;
    ratios.push_back(b / a);
    without.push_back(a / static_cast<double>(s.records.size()));
    with.push_back(b / static_cast<double>(s.records.size()));
  }
  auto median = [](std::vector<double> v) {
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
    return v[v.size() / 2];
  };
  state.counters["turns"] = static_cast<double>(ratios.size());
  state.counters["ns_without"] = median(without);
  state.counters["ns_with"] = median(with);
  state.counters["engine_pct"] = (median(ratios) - 1) * 100;
  state.counters["engine_ns"] = median(with) - median(without);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * 2 * s.records.size()));
}
BENCHMARK(BM_EngineSharePaired)->Unit(benchmark::kMillisecond)->MinTime(2);

// Every record of a real boot with a crashme WARN and oops (-x: the capture is symbolized).
static void BM_CrashBootCapture(benchmark::State& state) {
  static std::vector<std::string> records = capture_records(KLOGD_BENCH_CRASH_LOG);
  static klogd::Symbolizer none;
  run(state, records, &none);
}
BENCHMARK(BM_CrashBootCapture)->ArgName("incidents")->Arg(0)->Arg(1);

// The engine alone, on the typical records already made FinishedRecords: its cost per record.
static void BM_IncidentEngineOnly(benchmark::State& state) {
  static Setup s;
  klogd::Annotator annotator(&s.symbolizer, {});
  klogd::RecordProcessor processor(&annotator);
  std::vector<klogd::FinishedRecord> records, found;
  for (const auto& raw : s.records) processor.process(raw, &records);
  klogd::IncidentTracker incidents;
  const auto now = klogd::IncidentTracker::Clock::now();
  size_t i = 0;
  for (auto _ : state) {
    incidents.observe(records[i], &found, now);
    if (++i == records.size()) i = 0;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_IncidentEngineOnly);

// One scrape's text, with a sink set of a file and the incident counters: what a scrape costs
// the loop thread (it renders there, between records).
static void BM_RenderMetrics(benchmark::State& state) {
  static Setup s;
  klogd::Annotator annotator(&s.symbolizer, {});
  klogd::RecordProcessor processor(&annotator);
  std::vector<klogd::FinishedRecord> out;
  for (const auto& raw : s.records) processor.process(raw, &out);
  klogd::IncidentTracker incidents;
  klogd::MetricSources src;
  src.version = "bench";
  src.records = &processor.counters();
  src.incidents = &incidents;
  src.symbolizer = &s.symbolizer;
  size_t bytes = 0;
  for (auto _ : state) {
    std::string text = klogd::render_metrics(src);
    bytes = text.size();
    benchmark::DoNotOptimize(text.data());
  }
  state.counters["bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_RenderMetrics)->Unit(benchmark::kMicrosecond);
