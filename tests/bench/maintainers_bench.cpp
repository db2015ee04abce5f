// Whom to tell (issue "klogd incidents"): Linux 6.1's MAINTAINERS loaded (target <= 50 ms) and
// looked up for syzkaller's 17 guilty files (target <= 100 us a lookup), beside the floor of
// reading the same file and walking its lines; and the guilty file picked from syzkaller's
// guilty-file reports.
#include <benchmark/benchmark.h>

#include <fstream>
#include <optional>
#include <sstream>

#include "incidents/guilty_file.h"
#include "incidents/maintainers.h"
#include "util/file_buffer.h"

namespace {

const std::string kFile = KLOGD_BENCH_DATA "/triage-guilty/MAINTAINERS-6.1";

std::vector<std::string> guilty_files() {
  std::ifstream f(KLOGD_BENCH_DATA "/triage-guilty/expected.tsv");
  std::vector<std::string> out;
  for (std::string l; std::getline(f, l);) {
    if (l.empty() || l[0] == '#') continue;
    const size_t a = l.find('\t'), b = l.find('\t', a + 1);
    if (b > a + 1) out.push_back(l.substr(a + 1, b - a - 1));
  }
  return out;
}

// The floor: the file read and its lines walked, nothing parsed.
void BM_MaintainersReadLines(benchmark::State& state) {
  for (auto _ : state) {
    klogd::FileBuffer f;
    std::string err;
    f.load(kFile, &err);
    size_t lines = 0;
    for (char c : f.view()) lines += c == '\n';
    benchmark::DoNotOptimize(lines);
  }
}
BENCHMARK(BM_MaintainersReadLines)->Unit(benchmark::kMillisecond);

void BM_MaintainersLoad(benchmark::State& state) {
  size_t sections = 0;
  for (auto _ : state) {
    std::string err;
    auto m = klogd::Maintainers::load(kFile, &err);
    sections = m ? m->sections() : 0;
    benchmark::DoNotOptimize(sections);
  }
  state.counters["sections"] = static_cast<double>(sections);
}
BENCHMARK(BM_MaintainersLoad)->Unit(benchmark::kMillisecond);

// Each lookup on a loaded file; the first of each file compiles its wildcard patterns (the
// first iteration), later ones find them compiled, as a daemon does.
void BM_MaintainersLookup(benchmark::State& state) {
  std::string err;
  auto m = klogd::Maintainers::load(kFile, &err);
  const std::vector<std::string> files = guilty_files();
  size_t i = 0, named = 0;
  for (auto _ : state) {
    const klogd::Recipients r = m->lookup(files[i++ % files.size()]);
    named += r.to.size() + r.cc.size();
    benchmark::DoNotOptimize(named);
  }
  state.counters["files"] = static_cast<double>(files.size());
}
BENCHMARK(BM_MaintainersLookup)->Unit(benchmark::kMicrosecond);

// A cold lookup: a fresh load each time, only the lookup timed (its patterns compiled then).
void BM_MaintainersLookupCold(benchmark::State& state) {
  const std::vector<std::string> files = guilty_files();
  size_t i = 0;
  std::optional<klogd::Maintainers> m;
  for (auto _ : state) {
    state.PauseTiming();
    std::string err;
    m.reset();  // the last one's memory given back untimed
    m = klogd::Maintainers::load(kFile, &err);
    state.ResumeTiming();
    benchmark::DoNotOptimize(m->lookup(files[i++ % files.size()]));
  }
}
BENCHMARK(BM_MaintainersLookupCold)->Unit(benchmark::kMicrosecond);

}  // namespace
