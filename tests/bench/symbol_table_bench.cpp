// Map load and lookup: ours against the klogd 1.5 baseline, in the same run.
#include <benchmark/benchmark.h>

#include <random>

#include "bench_data.h"
#include "naive_klogd15.h"
#include "symbols/symbol_table.h"

static void BM_MapLoad(benchmark::State& state) {
  const std::string& path = bench_map_path();
  size_t symbols = 0;
  for (auto _ : state) {
    klogd::SymbolTable t;
    std::string err;
    if (!t.load_file(path, &err)) state.SkipWithError(err.c_str());
    symbols = t.size();
    benchmark::DoNotOptimize(t);
  }
  state.counters["symbols"] = static_cast<double>(symbols);
}
BENCHMARK(BM_MapLoad)->Unit(benchmark::kMillisecond)->MinTime(2.0);

static void BM_MapLoad_Klogd15(benchmark::State& state) {
  const std::string& path = bench_map_path();
  for (auto _ : state) {
    naive::Table t;
    naive::load(path, &t);
    benchmark::DoNotOptimize(t.count);
  }
}
BENCHMARK(BM_MapLoad_Klogd15)->Unit(benchmark::kMillisecond)->MinTime(2.0);

template <typename Lookup>
static void run_lookups(benchmark::State& state, uint64_t lo, uint64_t hi, Lookup lookup) {
  std::mt19937_64 rng(42);
  std::uniform_int_distribution<uint64_t> dist(lo, hi);
  std::vector<uint64_t> addresses(4096);
  for (auto& a : addresses) a = dist(rng);
  size_t i = 0, found = 0;
  for (auto _ : state) {
    found += lookup(addresses[i++ & 4095]);
  }
  state.counters["found%"] =
      100.0 * static_cast<double>(found) / static_cast<double>(state.iterations());
}

static void BM_Lookup(benchmark::State& state) {
  static klogd::SymbolTable t;
  static bool loaded = [] {
    std::string err;
    return t.load_file(bench_map_path(), &err);
  }();
  if (!loaded) return state.SkipWithError("map");
  run_lookups(state, t.first_address(), t.end_address(), [](uint64_t a) {
    auto h = t.lookup(a);
    benchmark::DoNotOptimize(h);
    return h ? 1 : 0;
  });
}
BENCHMARK(BM_Lookup);

static void BM_Lookup_Klogd15(benchmark::State& state) {
  static naive::Table t;
  static bool loaded = naive::load(bench_map_path(), &t);
  if (!loaded) return state.SkipWithError("map");
  uint64_t lo = ~0ull, hi = 0;
  for (int i = 0; i < t.count; ++i) {
    if (t.symbols[i].value == 0) continue;
    lo = std::min<uint64_t>(lo, t.symbols[i].value);
    hi = std::max<uint64_t>(hi, t.symbols[i].value);
  }
  run_lookups(state, lo, hi, [](uint64_t a) {
    unsigned long off = 0, size = 0;
    const char* n = naive::lookup(t, a, &off, &size);
    benchmark::DoNotOptimize(n);
    return n ? 1 : 0;
  });
}
BENCHMARK(BM_Lookup_Klogd15)->Unit(benchmark::kMicrosecond);
