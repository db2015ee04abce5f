// Fuzzes whom to tell: arbitrary bytes read as a MAINTAINERS file and looked up for the paths
// its first line names, and read as a report's lines for its guilty file.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "incidents/guilty_file.h"
#include "incidents/maintainers.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  const size_t nl = text.find('\n');
  const std::string_view first = text.substr(0, nl);
  std::vector<std::string> paths{std::string(first), "drivers/net/tun.c", "Makefile", ""};
  std::string err;
  if (auto m = klogd::Maintainers::parse(text, "fuzz", &err))
    for (const std::string& p : paths) (void)m->lookup(p);
  std::vector<std::string> lines;
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    lines.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  (void)klogd::guilty_file(lines, "INFO: rcu detected stall in f");
  (void)klogd::guilty_file(lines, "BUG: f");
  return 0;
}
