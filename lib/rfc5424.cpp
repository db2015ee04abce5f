#include "rfc5424.h"

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

void append_utf8_safe(std::string_view in, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  auto escape = [&](unsigned char u) {
    out->append("\\x");
    out->push_back(kHex[u >> 4]);
    out->push_back(kHex[u & 15]);
  };
  size_t i = 0;
  while (i < in.size()) {
    auto u = static_cast<unsigned char>(in[i]);
    if (u < 0x20 || u == 0x7f) {
      escape(u);
      ++i;
      continue;
    }
    if (u < 0x80) {
      out->push_back(static_cast<char>(u));
      ++i;
      continue;
    }
    // A well-formed UTF-8 sequence passes; anything else is escaped byte by byte.
    size_t len = u >= 0xf0 && u <= 0xf4 ? 4 : u >= 0xe0 ? 3 : u >= 0xc2 && u <= 0xdf ? 2 : 0;
    bool ok = len > 0 && i + len <= in.size();
    for (size_t k = 1; ok && k < len; ++k)
      ok = (static_cast<unsigned char>(in[i + k]) & 0xc0) == 0x80;
    if (ok && len == 3) {
      auto b1 = static_cast<unsigned char>(in[i + 1]);
      ok = !(u == 0xe0 && b1 < 0xa0) && !(u == 0xed && b1 >= 0xa0);  // overlong, surrogates
    }
    if (ok && len == 4) {
      auto b1 = static_cast<unsigned char>(in[i + 1]);
      ok = !(u == 0xf0 && b1 < 0x90) && !(u == 0xf4 && b1 >= 0x90);
    }
    if (ok) {
      out->append(in.substr(i, len));
      i += len;
    } else {
      escape(u);
      ++i;
    }
  }
}

std::string format_rfc5424(const FinishedRecord& r, int64_t boot_wall, const Rfc5424Options& o) {
  const KmsgRecord& k = r.record;
  std::string m = "<" + std::to_string(k.prio()) + ">1 " +
                  rfc5424_time(boot_wall + static_cast<int64_t>(k.ts_usec)) + " " +
                  (o.hostname.empty() ? std::string("-") : o.hostname) + " kernel - - [" + o.sd_id +
                  " seq=\"" + std::to_string(k.seq) + "\" mono=\"" + std::to_string(k.ts_usec) +
                  "\"";
  if (!o.boot_id.empty()) m += " boot=\"" + escape_sd_value(o.boot_id) + "\"";
  for (const auto& [key, value] : k.dict) {
    if (key == "SUBSYSTEM") m += " subsystem=\"" + escape_sd_value(value) + "\"";
    if (key == "DEVICE") m += " device=\"" + escape_sd_value(value) + "\"";
  }
  if (r.translated) m += " symbols=\"" + escape_sd_value(r.symbols) + "\"";
  m += "] ";
  if (o.bom) m += "\xef\xbb\xbf";
  append_utf8_safe(r.text, &m);
  return m;
}

}  // namespace klogd
