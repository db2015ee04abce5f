#pragma once
/// Prometheus' text exposition format, version 0.0.4: each family once, "# HELP" and "# TYPE"
/// first, then its samples; label values escaped (\\, \", \n), HELP text escaped (\\, \n).
/// https://prometheus.io/docs/instrumenting/exposition_formats/

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace klogd {

enum class MetricType { kCounter, kGauge };

using Label = std::pair<std::string_view, std::string_view>;

class Exposition {
 public:
  /// Starts a family: a counter's name ends in _total (its HELP and TYPE name it so too).
  void family(std::string_view name, MetricType type, std::string_view help);
  /// A sample of the current family.
  void sample(double value, std::initializer_list<Label> labels = {});
  void sample(uint64_t value, std::initializer_list<Label> labels = {});
  const std::string& text() const { return out_; }

 private:
  void begin_sample(std::initializer_list<Label> labels);
  std::string out_;
  std::string name_;
};

}  // namespace klogd
