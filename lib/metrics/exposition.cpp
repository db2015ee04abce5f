#include "metrics/exposition.h"

#include <cmath>
#include <cstdio>

namespace klogd {
namespace {

// The format's escapes: \\ and \n in HELP text; in a label value, \" too.
void append_escaped(std::string_view s, bool label_value, std::string* out) {
  for (char c : s) {
    if (c == '\\')
      *out += "\\\\";
    else if (c == '\n')
      *out += "\\n";
    else if (c == '"' && label_value)
      *out += "\\\"";
    else
      *out += c;
  }
}

}  // namespace

void Exposition::family(std::string_view name, MetricType type, std::string_view help) {
  name_.assign(name);
  out_ += "# HELP ";
  out_ += name;
  out_ += ' ';
  append_escaped(help, false, &out_);
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
    append_escaped(value, true, &out_);
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
