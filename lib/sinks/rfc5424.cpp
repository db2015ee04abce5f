#include "sinks/rfc5424.h"

#include "util/text.h"
#include "util/wall_clock.h"

namespace klogd {

std::string escape_sd_value(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '"' || c == '\\' || c == ']') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

std::string format_rfc5424(const FinishedRecord& r, int64_t boot_wall, const Rfc5424Options& o) {
  const KmsgRecord& k = r.record;
  const bool this_boot = r.boot == RecordBoot::kThis;
  // Only this boot's records have a wall time (another boot's: NILVALUE) and this boot's id.
  std::string m =
      "<" + std::to_string(k.prio()) + ">1 " +
      (this_boot ? rfc5424_time(boot_wall + static_cast<int64_t>(k.ts_usec)) : std::string("-")) +
      " " + (o.hostname.empty() ? std::string("-") : o.hostname) + " kernel - - [" + o.sd_id;
  // boot + seq name a kernel record: what klogd made itself carries no seq, only the kernel
  // record it follows (after=).
  if (r.kernel_seq) m += " seq=\"" + std::to_string(k.seq) + "\"";
  if (r.after_seq) m += " after=\"" + std::to_string(*r.after_seq) + "\"";
  m += " mono=\"" + std::to_string(k.ts_usec) + "\"";
  if (!this_boot)
    m += " boot=\"" + std::string(to_string(r.boot)) + "\"";
  else if (!o.boot_id.empty())
    m += " boot=\"" + escape_sd_value(o.boot_id) + "\"";
  for (const auto& [key, value] : k.dict) {
    if (key == "SUBSYSTEM") m += " subsystem=\"" + escape_sd_value(value) + "\"";
    if (key == "DEVICE") m += " device=\"" + escape_sd_value(value) + "\"";
  }
  if (r.translated) m += " symbols=\"" + escape_sd_value(r.symbols) + "\"";
  m += ']';
  if (r.event) {
    // klogd's own element, under the same enterprise number: [incident@32473 type="oops" ...]
    size_t at = o.sd_id.find('@');
    m += '[' + r.event->sd_name + (at == std::string::npos ? "" : o.sd_id.substr(at));
    for (const auto& [name, value] : r.event->fields) {
      m += ' ' + name + "=\"";
      std::string safe;
      append_utf8_safe(value, &safe);
      m += escape_sd_value(safe);
      m += '"';
    }
    m += ']';
  }
  m += ' ';
  if (o.bom) m += "\xef\xbb\xbf";
  append_utf8_safe(r.text, &m);
  return m;
}

}  // namespace klogd
