#include "incidents/incident_record.h"

#include <algorithm>

namespace klogd {

int incident_level(const Incident& i) {
  if (i.panicked) return 0;
  switch (i.type) {
    case IncidentType::kWarning:
    case IncidentType::kLockdep:
    case IncidentType::kRefcount:
    case IncidentType::kLeak:
    case IncidentType::kOther:
      return 4;
    case IncidentType::kOom:
      return 3;
    default:
      return 2;
  }
}

namespace {

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v) {
    if (!out.empty()) out += ", ";
    out += s;
  }
  return out;
}

void add_guilty_file(RecordEvent* e, const std::string& file, const Maintainers* tell) {
  if (file.empty()) return;
  e->fields.emplace_back("guilty_file", file);
  if (!tell) return;
  const Recipients r = tell->lookup(file);
  if (r.subsystems.empty()) return;
  e->fields.emplace_back("subsystem", r.subsystems.front());
  if (!r.to.empty()) e->fields.emplace_back("maintainers", joined(r.to));
  if (!r.cc.empty()) e->fields.emplace_back("cc", joined(r.cc));
}

}  // namespace

FinishedRecord incident_record(const Incident& i, uint64_t ts_usec,
                               std::optional<uint64_t> after_seq, uint64_t repeats,
                               const Maintainers* tell) {
  FinishedRecord r;
  r.record.facility = 0;
  r.record.level = incident_level(i);
  r.record.ts_usec = ts_usec;
  r.text = i.title;
  r.synthetic = true;
  r.kernel_seq = false;
  r.after_seq = after_seq;
  auto e = std::make_shared<RecordEvent>();
  e->message_id = kIncidentMessageId;
  e->field_prefix = "KERNEL_INCIDENT_";
  e->sd_name = "incident";
  e->line = "klogd: incident: " + i.title + " [" + i.fingerprint + "]";
  auto add = [&](const char* name, std::string value) {
    if (!value.empty()) e->fields.emplace_back(name, std::move(value));
  };
  add("type", std::string(to_string(i.type)));
  add("title", i.title);
  add("fingerprint", i.fingerprint);
  add("function", i.function);
  add("module", i.module);
  add("taint", i.taint);
  std::string meanings;
  for (const TaintFlag& f : decode_taint(i.taint)) {
    if (!meanings.empty()) meanings += "; ";
    meanings += f.letter;
    meanings += ": ";
    meanings += f.meaning;
  }
  add("taint_meaning", meanings);
  add("release", i.release);
  if (i.cpu) add("cpu", std::to_string(*i.cpu));
  if (i.pid) add("pid", std::to_string(*i.pid));
  add("comm", i.comm);
  std::string frames;
  for (const std::string& f : i.frames) {
    if (!frames.empty()) frames += ", ";
    frames += f;
  }
  add("frames", frames);
  add("panicked", i.panicked ? "1" : "0");
  add("corrupted", i.corrupted ? "1" : "0");
  add("first_seq", std::to_string(i.first_line));
  add("last_seq", std::to_string(i.last_line));
  add("repeats", std::to_string(repeats));
  add_guilty_file(e.get(), i.guilty_file, tell);
  r.event = std::move(e);
  add_incident_source(&r, i.source);
  return r;
}

void add_incident_source(FinishedRecord* r, const std::string& source, const Maintainers* tell) {
  if (source.empty() || !r->event) return;
  auto e = std::make_shared<RecordEvent>(*r->event);
  const bool has_file = std::any_of(e->fields.begin(), e->fields.end(),
                                    [](const auto& f) { return f.first == "guilty_file"; });
  if (!has_file) add_guilty_file(e.get(), source.substr(0, source.rfind(':')), tell);
  e->line += " (" + source + ")";
  // beside the function it names
  auto at = std::find_if(e->fields.begin(), e->fields.end(),
                         [](const auto& f) { return f.first == "module" || f.first == "taint"; });
  e->fields.emplace(at, "source", source);
  r->event = std::move(e);
}

}  // namespace klogd
