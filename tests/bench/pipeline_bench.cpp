// Records per second through parse -> annotate -> format (klogd file line).
#include <benchmark/benchmark.h>

#include "annotate/annotator.h"
#include "annotate/record_processor.h"
#include "bench_data.h"

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

}  // namespace

static void BM_ParseAnnotateFormat(benchmark::State& state) {
  static Setup s;
  klogd::Annotator annotator(&s.symbolizer, {});
  klogd::RecordProcessor processor(&annotator);
  std::vector<klogd::FinishedRecord> out;
  std::string line;
  size_t i = 0;
  for (auto _ : state) {
    out.clear();
    processor.process(s.records[i++ & 1023], &out);
    line.clear();
    for (const auto& r : out) klogd::append_klogd_line(r, r.text, &line);
    benchmark::DoNotOptimize(line.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_ParseAnnotateFormat);
