#include "record_processor.h"

namespace klogd {

FinishedRecord RecordProcessor::make_notice(std::string text, uint64_t ts_usec, uint64_t seq) {
  FinishedRecord r;
  r.record.facility = 0;
  r.record.level = 4;
  r.record.ts_usec = ts_usec;
  r.record.seq = seq;
  r.record.raw_text = text;
  r.record.text = text;
  r.text = std::move(text);
  r.synthetic = true;
  return r;
}

ParseError RecordProcessor::process(std::string_view raw, std::vector<FinishedRecord>* out) {
  KmsgRecord record;
  ParseError e = parse_kmsg_record(raw, &record);
  if (e != ParseError::kOk) {
    ++counters_.malformed;
    return e;
  }
  if (expected_) {
    if (record.seq > *expected_) {
      uint64_t missed = record.seq - *expected_;
      counters_.missed += missed;
      out->push_back(make_notice("klogd: missed " + std::to_string(missed) + " kernel messages",
                                 record.ts_usec, *expected_));
    } else if (record.seq < *expected_) {
      ++counters_.backwards;
    }
  }
  expected_ = record.seq + 1;
  finish(std::move(record), out);
  return ParseError::kOk;
}

void RecordProcessor::finish(KmsgRecord record, std::vector<FinishedRecord>* out) {
  FinishedRecord r;
  Annotation a = annotator_->annotate(record.text);
  r.translated = a.changed;
  if (a.module_miss) ++counters_.module_misses;
  if (a.changed) {
    ++counters_.translated;
    r.original = record.text;
    r.symbols = a.symbols_list();
  }
  r.text = std::move(a.text);
  r.record = std::move(record);
  ++counters_.records;
  out->push_back(std::move(r));
}

}  // namespace klogd
