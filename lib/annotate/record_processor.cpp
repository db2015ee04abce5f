#include "annotate/record_processor.h"

#include "annotate/notices.h"
#include "util/address_mask.h"
#include "util/text.h"

namespace klogd {

namespace {

// A malformed record is still delivered, its damage marked: NUL bytes become "\x00" as the
// kernel would have escaped them, an over-long or unterminated record is cut and marked, and a
// record whose header cannot be read is delivered whole (escaped) inside a klogd notice.
bool salvage(std::string_view raw, ParseError why, KmsgRecord* record) {
  std::string fixed;
  fixed.reserve(raw.size());
  for (char c : raw) {
    if (c == '\0')
      fixed += "\\x00";
    else
      fixed.push_back(c);
  }
  std::string marker;
  if (fixed.size() > kMaxRecordBytes - 128) {
    marker = " [klogd: record cut, " + std::to_string(fixed.size() - (kMaxRecordBytes - 128)) +
             " bytes not kept]";
    fixed.resize(kMaxRecordBytes - 128);
    size_t nl = fixed.find('\n');
    if (nl != std::string::npos) fixed.resize(nl);
  } else if (why == ParseError::kTruncated) {
    marker = " [klogd: record truncated]";
  }
  if (!fixed.empty() && fixed.back() == '\n') fixed.pop_back();
  size_t nl = fixed.find('\n');
  if (!marker.empty()) fixed.insert(nl == std::string::npos ? fixed.size() : nl, marker);
  fixed.push_back('\n');
  return parse_kmsg_record(fixed, record) == ParseError::kOk;
}

}  // namespace

ParseError RecordProcessor::process(std::string_view raw, std::vector<FinishedRecord>* out) {
  KmsgRecord record;
  ParseError e = parse_kmsg_record(raw, &record);
  if (e != ParseError::kOk) {
    ++counters_.malformed;
    if (!salvage(raw, e, &record)) {
      // No usable header: the bytes themselves, escaped, in a notice of ours. One read() is one
      // record, so it stands for the sequence number expected next: the record after it is no
      // gap.
      std::string text = "klogd: malformed kernel record (" + std::string(to_string(e)) + "): ";
      append_escaped_control(raw.substr(0, kMaxRecordBytes), &text);
      text = annotator_->hidden(text);
      out->push_back(make_notice(std::move(text), 0, last_seq()));
      if (expected_) ++*expected_;
      ++counters_.salvaged;
      return e;
    }
    ++counters_.salvaged;
  }
  if (resume_ && record.seq < *resume_) {
    ++counters_.skipped;
    return ParseError::kOk;
  }
  resume_.reset();
  if (expected_) {
    if (record.seq > *expected_) {
      uint64_t missed = record.seq - *expected_;
      counters_.missed += missed;
      out->push_back(make_notice(missed_notice(missed), record.ts_usec, last_seq()));
    } else if (record.seq < *expected_) {
      ++counters_.backwards;
    }
  }
  expected_ = record.seq + 1;
  finish(std::move(record), out);
  return e;
}

void RecordProcessor::finish(KmsgRecord record, std::vector<FinishedRecord>* out) {
  if (observer_) observer_(record);
  FinishedRecord& r = out->emplace_back();
  ++counters_.records;
  ++counters_.by_level[static_cast<size_t>(record.level) & 7];
  // Most records hold no address at all: their text moves on as it is, no copy.
  if (!annotator_->may_change(record.text)) {
    r.text = std::move(record.text);
    r.record = std::move(record);
    return;
  }
  Annotation a = annotator_->annotate(record.text);
  r.translated = a.translated;
  if (a.module_miss) ++counters_.module_misses;
  counters_.addresses += a.found.size();
  for (const FoundAddress& f : a.found) counters_.unresolved += f.resolved ? 0 : 1;
  if (a.translated) {
    ++counters_.translated;
    r.symbols = a.symbols_list();
  }
  if (a.changed) {
    // The text as the kernel wrote it travels beside the annotated one (-2, journald's
    // KERNEL_ORIGINAL_MESSAGE), unless addresses are hidden: it is full of them.
    if (!annotator_->options().hide_addresses) r.original = std::move(record.text);
    r.text = std::move(a.text);
  } else {
    r.text = std::move(record.text);
  }
  if (annotator_->options().hide_addresses)  // the dictionary too (DEVICE=, ...)
    for (auto& [key, value] : record.dict)
      if (value.size() >= 8) value = annotator_->hidden(value);
  r.record = std::move(record);
}

}  // namespace klogd
