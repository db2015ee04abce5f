#include "metrics/exposition.h"

#include <cmath>
#include <cstdio>

namespace klogd {

void Exposition::family(std::string_view name, MetricType type, std::string_view help) {
  name_.assign(name);
  out_ += "# HELP ";
  out_ += name;
  out_ += ' ';
  for (char c : help) {
    if (c == '\\')
      out_ += "\\\\";
    else if (c == '\n')
      out_ += "\\n";
    else
      out_ += c;
  }
  out_ += "\n# TYPE ";
  out_ += name;
  out_ += type == MetricType::kCounter ? " counter\n" : " gauge\n";
}

void Exposition::begin_sample(std::initializer_list<Label> labels) {
  out_ += name_;
  if (labels.size() == 0) return;
  out_ += '{';
  bool first = true;
  for (const auto& [key, value] : labels) {
    if (!first) out_ += ',';
    first = false;
    out_ += key;
    out_ += "=\"";
    for (char c : value) {
      if (c == '\\')
        out_ += "\\\\";
      else if (c == '"')
        out_ += "\\\"";
      else if (c == '\n')
        out_ += "\\n";
      else
        out_ += c;
    }
    out_ += '"';
  }
  out_ += '}';
}

void Exposition::sample(uint64_t value, std::initializer_list<Label> labels) {
  begin_sample(labels);
  out_ += ' ';
  out_ += std::to_string(value);
  out_ += '\n';
}

void Exposition::sample(double value, std::initializer_list<Label> labels) {
  begin_sample(labels);
  char buf[64];
  if (std::isnan(value))
    std::snprintf(buf, sizeof buf, " NaN\n");
  else
    std::snprintf(buf, sizeof buf, " %.17g\n", value);
  out_ += buf;
}

}  // namespace klogd
