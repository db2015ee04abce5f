#pragma once
/// The record path between a source and the sinks: raw bytes -> KmsgRecord -> annotated
/// FinishedRecord, with the sequence bookkeeping that turns gaps into an in-band loss record
/// ("klogd: missed N kernel messages"), as journald does. No I/O; single-threaded.

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "annotate/annotator.h"
#include "annotate/finished_record.h"
#include "kmsg/kmsg_record.h"

namespace klogd {

struct PipelineCounters {
  uint64_t records = 0;        ///< parsed and handed on
  uint64_t translated = 0;     ///< records with at least one address named
  uint64_t malformed = 0;      ///< refused by the parser
  uint64_t missed = 0;         ///< kernel records lost before we read them (sequence gaps)
  uint64_t backwards = 0;      ///< sequence numbers that went backwards (ring reset, restart)
  uint64_t module_misses = 0;  ///< records with an unresolved module-area address
  uint64_t skipped = 0;        ///< already forwarded before a restart
  uint64_t salvaged = 0;       ///< malformed, but delivered with the damage marked
  std::array<uint64_t, 8> by_level{};  ///< records by level (0 emerg .. 7 debug)
  uint64_t addresses = 0;              ///< kernel addresses found in records
  uint64_t unresolved = 0;             ///< ... that nothing named
};

class RecordProcessor {
 public:
  explicit RecordProcessor(const Annotator* annotator) : annotator_(annotator) {}

  /// Parses and annotates one raw record: appends a loss record first if the sequence jumped,
  /// then the record. A malformed record is counted, its parse error returned (for the caller's
  /// log), and it is still delivered with its damage marked (see salvage in the .cpp).
  ParseError process(std::string_view raw, std::vector<FinishedRecord>* out);
  /// Annotates an already parsed record (syslog(2) and /proc/kmsg sources, --decode).
  void finish(KmsgRecord record, std::vector<FinishedRecord>* out);

  /// The sequence number expected next (restart continuity); nullopt before the first record.
  std::optional<uint64_t> expected_seq() const { return expected_; }
  void set_expected_seq(uint64_t seq) { expected_ = seq; }
  /// After a restart: records before `seq` were forwarded already and are skipped (counted);
  /// a first record after `seq` is a gap, reported in-band like any other.
  void resume_at(uint64_t seq) {
    expected_ = seq;
    resume_ = seq;
  }
  const PipelineCounters& counters() const { return counters_; }

  /// Sees each record read from the kernel as parsed, before it is annotated (and, with
  /// --hide-addresses, masked): -p's reload before an oops, the slide from "Kernel Offset:".
  using Observer = std::function<void(const KmsgRecord&)>;
  void set_observer(Observer observer) { observer_ = std::move(observer); }

 private:
  const Annotator* annotator_;
  Observer observer_;
  std::optional<uint64_t> expected_;
  /// The kernel record before the next one expected, for the notices klogd makes there.
  std::optional<uint64_t> last_seq() const {
    return expected_ && *expected_ > 0 ? std::optional<uint64_t>(*expected_ - 1) : std::nullopt;
  }
  std::optional<uint64_t> resume_;
  PipelineCounters counters_;
};

}  // namespace klogd
