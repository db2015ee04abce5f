// The record path on the loop thread, driven through the ring into a sink that records what it
// gets: order, loss notices without kernel sequence numbers, incidents right after the record
// that ended their report, a capture's last record at a SIGTERM, a replay marked as such.
#include "pipeline/pipeline.h"

#include <catch2/catch.hpp>

#include "annotate/annotator.h"
#include "symbols/symbolizer.h"

using namespace klogd;

namespace {

struct RecordingSink : Sink {
  std::vector<FinishedRecord>* got;
  explicit RecordingSink(std::vector<FinishedRecord>* g) : got(g) {}
  bool write(const FinishedRecord& r, std::string*) override {
    got->push_back(r);
    return true;
  }
  std::string describe() const override { return "recording"; }
};

struct Rig {
  boost::asio::io_context io;
  RecordRing ring{1 << 20};
  Symbolizer symbolizer;
  Annotator annotator{&symbolizer, {}};
  RecordProcessor processor{&annotator};
  SinkSet sinks;
  std::vector<FinishedRecord> got;
  IncidentTracker incidents;
  int status = -1;
  std::unique_ptr<Pipeline> pipeline;
  explicit Rig(LogSource::Kind kind) {
    sinks.add(std::make_unique<RecordingSink>(&got), 1 << 20);
    PipelineOptions po;
    po.source_kind = kind;
    po.linger = std::chrono::milliseconds(0);
    pipeline = std::make_unique<Pipeline>(io, &ring, &processor, &sinks, nullptr, po,
                                          Pipeline::Hooks{{}, {}, [this](int s) {
                                                            status = s;
                                                            io.stop();
                                                          }});
    pipeline->set_incidents(&incidents);
  }
  void record(const std::string& raw) { ring.put(RecordRing::Kind::kRecord, raw); }
  void run_until_delivered(size_t n) {
    pipeline->start();
    for (int i = 0; i < 200 && got.size() < n; ++i) io.run_for(std::chrono::milliseconds(10));
  }
  std::vector<std::string> texts() const {
    std::vector<std::string> t;
    for (const auto& r : got) t.push_back(r.text);
    return t;
  }
};

}  // namespace

TEST_CASE("pipeline: records in order, a gap stated by a notice with no kernel seq", "[pipeline]") {
  Rig rig(LogSource::Kind::kDevice);
  rig.record("6,10,100,-;one\n");
  rig.record("6,11,200,-;two\n");
  rig.record("6,15,300,-;after a gap\n");
  rig.run_until_delivered(4);
  REQUIRE(rig.got.size() == 4);
  CHECK(rig.texts() ==
        std::vector<std::string>{"one", "two", "klogd: missed 3 kernel messages", "after a gap"});
  CHECK(rig.got[1].kernel_seq);
  CHECK(rig.got[1].record.seq == 11);
  const FinishedRecord& notice = rig.got[2];
  CHECK(notice.synthetic);
  CHECK_FALSE(notice.kernel_seq);
  CHECK(notice.after_seq == 11u);
  CHECK(rig.got[3].boot == RecordBoot::kThis);
}

TEST_CASE("pipeline: an incident follows the record that ended its report", "[pipeline]") {
  Rig rig(LogSource::Kind::kDevice);
  uint64_t seq = 1;
  auto rec = [&](const std::string& text) {
    rig.record("4," + std::to_string(seq++) + ",1000,-;" + text + "\n");
  };
  rec("------------[ cut here ]------------");
  rec("WARNING: CPU: 0 PID: 1 at fs/x.c:1 foo_warn+0x1/0x10");
  rec("CPU: 0 PID: 1 Comm: swapper Not tainted 6.1.0 #1");
  rec("Call Trace:");
  rec(" <TASK>");
  rec(" foo_write+0xf/0x9b");
  rec(" </TASK>");
  rec("---[ end trace 0000000000000000 ]---");
  rec("usb 1-1: an unrelated line");
  rig.run_until_delivered(10);
  REQUIRE(rig.got.size() == 10);
  // the incident comes after the report's end line at the latest, before nothing else of ours
  size_t at = 0;
  while (at < rig.got.size() && !rig.got[at].event) ++at;
  REQUIRE(at < rig.got.size());
  CHECK(rig.got[at].text == "WARNING in foo_write");
  CHECK_FALSE(rig.got[at].kernel_seq);
  bool after_end = rig.got[at - 1].text.find("end trace") != std::string::npos ||
                   rig.got[at - 1].text == "usb 1-1: an unrelated line";
  CHECK(after_end);
}

TEST_CASE("pipeline: a capture's last record is not lost to a shutdown, and is marked a replay",
          "[pipeline]") {
  Rig rig(LogSource::Kind::kCapture);
  // the last record is held back until something shows it complete (a dictionary line may
  // follow): a shutdown before that must still deliver it
  rig.ring.put(RecordRing::Kind::kChunk, "6,1,100,-;first\n6,2,200,-;last\n");
  rig.pipeline->shutdown(0);
  for (int i = 0; i < 100 && rig.status < 0; ++i) rig.io.run_for(std::chrono::milliseconds(10));
  CHECK(rig.status == 0);
  CHECK(rig.texts() == std::vector<std::string>{"first", "last"});
  for (const auto& r : rig.got) CHECK(r.boot == RecordBoot::kReplay);
}
