#include "incidents/incident_feed.h"

#include "incidents/report_catalog.h"

namespace klogd {

IncidentFeed::IncidentFeed(IncidentDetector::Sink sink, DetectorOptions options, bool keep_style)
    : detector_(std::move(sink), options), keep_style_(keep_style) {}

bool IncidentFeed::feed(const FeedLine& l,
                        std::optional<std::chrono::steady_clock::time_point> at) {
  // Nearly every line: not the kernel's, or no report open and nothing that may start one; an
  // info, notice or debug line is not even looked at then.
  if (!l.kernel || passes_over(l.level, l.text)) return false;
  const auto now = at ? *at : std::chrono::steady_clock::now();
  std::string_view text = l.text;
  if (keep_style_ && text.find(" (") != std::string_view::npos) {
    scratch_.clear();
    klogd_style_text(text, &scratch_);
    text = scratch_;
  }
  ReportLine line;
  line.context = l.context;
  line.number = l.number;
  line.ts_usec = l.ts_usec;
  line.kernel = true;
  for (size_t start = 0;;) {  // one line per record, as a rule; a record with newlines is several
    const size_t nl = text.find('\n', start);
    line.text = text.substr(start, nl == std::string_view::npos ? nl : nl - start);
    detector_.feed(line, now);
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  return true;
}

void klogd_style_text(std::string_view s, std::string* out) {
  // "0x<16 hex> (NAME)" and "[<hex>] (NAME)": the address goes, the name stays.
  size_t i = 0;
  while (i < s.size()) {
    size_t open = s.find(" (", i);
    if (open == std::string_view::npos) break;
    size_t close = s.find(')', open);
    size_t a = open;
    bool addr = false;
    if (open >= 18 && s.substr(open - 18, 2) == "0x") {
      a = open - 18;
      addr = s.substr(a + 2, 16).find_first_not_of("0123456789abcdef") == std::string_view::npos;
    } else if (open >= 2 && s.substr(open - 2, 2) == ">]") {
      size_t lb = s.rfind("[<", open);
      if (lb != std::string_view::npos && open - lb <= 20) {
        a = lb;
        addr = true;
      }
    }
    if (!addr || close == std::string_view::npos) {
      out->append(s.substr(i, open + 2 - i));
      i = open + 2;
      continue;
    }
    out->append(s.substr(i, a - i));
    out->append(s.substr(open + 2, close - open - 2));
    i = close + 1;
  }
  out->append(s.substr(i));
}

}  // namespace klogd
