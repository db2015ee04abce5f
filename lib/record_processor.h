#pragma once
/// The record path between a source and the sinks: raw bytes -> KmsgRecord -> annotated
/// FinishedRecord, with the sequence bookkeeping that turns gaps into an in-band loss record
/// ("klogd: missed N kernel messages"), as journald does. No I/O; single-threaded.

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "annotator.h"
#include "finished_record.h"
#include "kmsg_record.h"

namespace klogd {

struct PipelineCounters {
  uint64_t records = 0;     ///< parsed and handed on
  uint64_t translated = 0;  ///< records with at least one address named
  uint64_t malformed = 0;   ///< refused by the parser
  uint64_t missed = 0;      ///< kernel records lost before we read them (sequence gaps)
  uint64_t backwards = 0;   ///< sequence numbers that went backwards (ring reset, restart)
  uint64_t module_misses = 0;  ///< records with an unresolved module-area address
};

class RecordProcessor {
 public:
  explicit RecordProcessor(const Annotator* annotator) : annotator_(annotator) {}

  /// Parses and annotates one raw record. On success appends a loss record first if the
  /// sequence jumped, then the record, and returns kOk; otherwise returns the parse error and
  /// appends nothing (the caller logs it; the counter is kept here).
  ParseError process(std::string_view raw, std::vector<FinishedRecord>* out);
  /// Annotates an already parsed record (syslog(2) and /proc/kmsg sources, --decode).
  void finish(KmsgRecord record, std::vector<FinishedRecord>* out);

  /// The sequence number expected next (restart continuity); nullopt before the first record.
  std::optional<uint64_t> expected_seq() const { return expected_; }
  void set_expected_seq(uint64_t seq) { expected_ = seq; }
  const PipelineCounters& counters() const { return counters_; }

  /// A record made by klogd itself (facility kern, level warning) with the given text.
  static FinishedRecord make_notice(std::string text, uint64_t ts_usec, uint64_t seq);

 private:
  const Annotator* annotator_;
  std::optional<uint64_t> expected_;
  PipelineCounters counters_;
};

}  // namespace klogd
