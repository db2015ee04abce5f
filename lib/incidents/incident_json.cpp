#include "incidents/incident_json.h"

#include "util/text.h"

namespace klogd {

void append_incident_json(const Incident& i, std::string* out, const Recipients* tell) {
  auto str = [&](const char* name, std::string_view v) {
    *out += '"';
    *out += name;
    *out += "\":";
    append_json_string(v, out);
    *out += ',';
  };
  auto num = [&](const char* name, auto v) {
    *out += '"';
    *out += name;
    *out += "\":";
    *out += v ? std::to_string(*v) : std::string("null");
    *out += ',';
  };
  *out += '{';
  str("type", to_string(i.type));
  str("title", i.title);
  str("function", i.function);
  str("module", i.module);
  *out += "\"taint\":[";
  bool first = true;
  for (const TaintFlag& f : decode_taint(i.taint)) {
    if (!first) *out += ',';
    first = false;
    *out += "{\"flag\":\"";
    out->push_back(f.letter);
    *out += "\",\"meaning\":";
    append_json_string(f.meaning, out);
    *out += '}';
  }
  *out += "],";
  str("release", i.release);
  num("cpu", i.cpu);
  num("pid", i.pid);
  str("comm", i.comm);
  *out += "\"frames\":[";
  for (size_t k = 0; k < i.frames.size(); ++k) {
    if (k) *out += ',';
    append_json_string(i.frames[k], out);
  }
  *out += "],";
  *out += std::string("\"panicked\":") + (i.panicked ? "true" : "false") + ",";
  *out += std::string("\"corrupted\":") + (i.corrupted ? "true" : "false") + ",";
  *out += "\"first_line\":" + std::to_string(i.first_line) + ",";
  *out += "\"last_line\":" + std::to_string(i.last_line) + ",";
  str("fingerprint", i.fingerprint);
  if (!i.boot.empty()) str("boot", i.boot);
  if (!i.source.empty()) str("source", i.source);
  str("guilty_file", i.guilty_file);
  if (tell) {
    auto list = [&](const char* name, const std::vector<std::string>& v) {
      *out += '"';
      *out += name;
      *out += "\":[";
      for (size_t k = 0; k < v.size(); ++k) {
        if (k) *out += ',';
        append_json_string(v[k], out);
      }
      *out += ']';
    };
    *out += "\"maintainers\":{";
    list("subsystems", tell->subsystems);
    *out += ',';
    list("to", tell->to);
    *out += ',';
    list("cc", tell->cc);
    *out += "},";
  }
  out->back() = '}';
  *out += '\n';
}

}  // namespace klogd
