// Fuzzes the incident engine: the detector, the title rules, taint and the JSON, on arbitrary
// text read as a saved log (decode) and as live records (the tracker, every context form).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "decode/decode_output.h"
#include "incidents/incident_json.h"
#include "incidents/incident_tracker.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static klogd::Symbolizer none;
  static klogd::Annotator annotator(&none, {});
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string json;
  for (const klogd::Incident& i : klogd::find_incidents(text, annotator))
    klogd::append_incident_json(i, &json);

  // live: each line a kernel record, the first byte choosing its caller id
  klogd::IncidentTrackerOptions o;
  o.keep_style = size > 0 && (data[0] & 1);
  o.detector.max_lines = 64;
  klogd::IncidentTracker tracker(o);
  std::vector<klogd::FinishedRecord> out;
  uint64_t seq = 0;
  for (size_t start = 0; start < text.size();) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) nl = text.size();
    klogd::FinishedRecord r;
    r.record.seq = seq++;
    r.record.ts_usec = seq * 1000;
    uint8_t c = static_cast<uint8_t>(text[start]);
    r.record.caller = c % 3 == 0 ? "" : (c % 3 == 1 ? "T" : "C") + std::to_string(c % 4);
    r.text.assign(text.substr(start, nl - start));
    tracker.observe(r, &out);
    start = nl + 1;
  }
  tracker.flush(&out);
  return 0;
}
