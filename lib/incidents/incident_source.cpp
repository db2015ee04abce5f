#include "incidents/incident_source.h"

#include "incidents/guilty_file.h"

namespace klogd {
namespace {

// The guilty function's own line among `frames` (its name without ".cold" or ".isra.0").
std::string located(const std::vector<FrameSource>& frames, const std::string& function) {
  for (const FrameSource& f : frames) {
    std::string name = f.symbol.name.substr(0, f.symbol.name.find('.'));
    if (name != function || f.source.empty()) continue;
    const SourceLocation& own = f.source.back();
    return own.file + ":" + std::to_string(own.line);
  }
  return "";
}

}  // namespace

std::string guilty_source(const Incident& incident, const SourceLines& source) {
  if (incident.function.empty()) return "";
  for (const std::string& f : incident.frames) {
    if (frame_identity(f).name != incident.function) continue;
    // " f+0x1/0x2": a trace's frame, a return address
    std::string s = located(source.frames(" " + std::string(frame_text(f))), incident.function);
    if (!s.empty()) return s;
    break;
  }
  if (!incident.pc_line.empty()) return located(source.frames(incident.pc_line), incident.function);
  return "";
}

std::string located_guilty_file(const Incident& incident, const SourceLines& source) {
  std::vector<std::string> lines;
  auto add = [&](const std::string& text) {
    for (const FrameSource& f : source.frames(text))
      for (const SourceLocation& at : f.source)
        lines.push_back(" " + at.function + " " + at.file + ":" + std::to_string(at.line));
  };
  if (!incident.pc_line.empty()) add(incident.pc_line);
  for (const std::string& f : incident.frames) add(" " + std::string(frame_text(f)));
  return guilty_file(lines, incident.title);
}

void locate(Incident* incident, const SourceLines& source) {
  incident->source = guilty_source(*incident, source);
  if (incident->guilty_file.empty()) incident->guilty_file = located_guilty_file(*incident, source);
}

}  // namespace klogd
