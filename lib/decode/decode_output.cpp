#include "decode/decode_output.h"

#include <algorithm>

#include "decode/log_line.h"
#include "incidents/incident_detector.h"
#include "incidents/incident_feed.h"
#include "incidents/incident_json.h"
#include "incidents/incident_namer.h"
#include "incidents/incident_source.h"
#include "util/address_mask.h"
#include "util/hex.h"
#include "util/text.h"

namespace klogd {

namespace {

// ,"frames":[{"symbol":..,"offset":..,"size":..,"module":..,"return_address":..,"source":[{
// "function":..,"file":..,"line":..,"inlined":..}, ...]}, ...]: "source" innermost first.
void append_frames_json(const std::vector<FrameSource>& frames, std::string* out) {
  *out += ",\"frames\":[";
  for (size_t i = 0; i < frames.size(); ++i) {
    const FrameSource& f = frames[i];
    if (i) out->push_back(',');
    *out += "{\"symbol\":";
    append_json_string(f.symbol.name, out);
    *out += ",\"offset\":" + std::to_string(f.symbol.offset) +
            ",\"size\":" + std::to_string(f.symbol.size) + ",\"module\":";
    append_json_string(f.symbol.module, out);
    *out += std::string(",\"return_address\":") + (f.return_address ? "true" : "false");
    *out += ",\"source\":[";
    for (size_t k = 0; k < f.source.size(); ++k) {
      const SourceLocation& s = f.source[k];
      if (k) out->push_back(',');
      *out += "{\"function\":";
      append_json_string(s.function, out);
      *out += ",\"file\":";
      append_json_string(s.file, out);
      *out += ",\"line\":" + std::to_string(s.line) +
              ",\"inlined\":" + (s.inlined ? "true" : "false") + "}";
    }
    *out += "]}";
  }
  *out += "]";
}

}  // namespace

void decode_log(std::string_view log, const Annotator& annotator, const DecodeOutput& how,
                std::string* out) {
  for_each_log_line(log, [&](size_t line_no, std::string_view line, const LogLine& l) {
    // With --hide-addresses, what holds raw addresses is not written: the input line (-2's
    // second line, JSON's "text") and each found address; the rest is masked by the annotator.
    const bool hide = annotator.options().hide_addresses;
    if (l.form == LogLine::Form::kKmsgDictionary) {
      if (!how.json) {
        annotator.hide(line, out);
        out->push_back('\n');
      }
      return;
    }
    Annotation a = annotator.annotate(l.text);
    if (how.json) {
      *out += "{\"line\":" + std::to_string(line_no);
      if (!hide) {
        *out += ",\"text\":";
        append_json_string(line, out);
      }
      *out += ",\"annotated\":";
      std::string annotated(l.prefix);
      annotated += a.text;
      append_json_string(annotated, out);
      *out += ",\"addresses\":[";
      bool first = true;
      for (const FoundAddress& f : a.found) {
        if (!first) out->push_back(',');
        first = false;
        *out += '{';
        if (!hide) *out += "\"address\":\"" + hex16(f.address) + "\",";
        *out += "\"form\":\"" + f.form + "\",\"resolved\":" + (f.resolved ? "true" : "false");
        if (f.resolved) {
          *out += ",\"symbol\":";
          append_json_string(f.symbol, out);
          *out += ",\"offset\":" + std::to_string(f.offset) +
                  ",\"size\":" + std::to_string(f.size) + ",\"module\":";
          append_json_string(f.module, out);
          *out += ",\"via\":\"" + std::string(to_string(f.via)) + "\"";
          *out += ",\"printed\":";
          append_json_string(format_kernel_symbol(f, true), out);
        }
        out->push_back('}');
      }
      *out += "]";
      if (how.source) append_frames_json(how.source->frames(a.text), out);
      *out += "}\n";
      return;
    }
    out->append(l.prefix);
    out->append(how.source ? how.source->decorate(a.text) : a.text);
    out->push_back('\n');
    if (how.twice && a.changed && !hide) {
      out->append(line);
      out->push_back('\n');
    }
  });
}

FeedLine feed_line(const LogLine& l, std::string_view text, uint64_t line_no) {
  FeedLine f;
  f.text = text;
  f.context = l.context;
  f.number = line_no;
  f.ts_usec = l.ts_usec;
  // klogd's own lines in its output ("klogd: incident: BUG: ... [fingerprint]") are no
  // kernel's, whatever their prefix says: a saved klogd log's incidents are its reports
  f.kernel = l.kernel && !text.starts_with("klogd: ");
  f.level = l.level;
  return f;
}

std::vector<Incident> find_incidents(std::string_view log, const Annotator& annotator) {
  std::vector<Incident> found;
  IncidentNamer namer;
  IncidentFeed feed([&](CrashReport r) { found.push_back(namer.name(r)); }, {},
                    annotated_in_keep_style(annotator.options()));
  for_each_log_line(log, [&](size_t line_no, std::string_view, const LogLine& l) {
    if (l.form == LogLine::Form::kKmsgDictionary) return;
    Annotation a = annotator.annotate(l.text);
    feed.feed(feed_line(l, a.text, line_no));
  });
  feed.flush();
  std::stable_sort(found.begin(), found.end(), [](const Incident& a, const Incident& b) {
    return a.first_line < b.first_line;
  });
  return found;
}

void append_told_incident(const Incident& i, const Maintainers* tell, std::string* out) {
  if (!tell) return append_incident_json(i, out);
  const Recipients r = tell->lookup(i.guilty_file);
  append_incident_json(i, out, &r);
}

size_t decode_incidents(std::string_view log, const Annotator& annotator, std::string* out,
                        const SourceLines* source, const Maintainers* tell) {
  std::vector<Incident> found = find_incidents(log, annotator);
  for (Incident& i : found) {
    if (source) locate(&i, *source);
    append_told_incident(i, tell, out);
  }
  return found.size();
}

}  // namespace klogd
