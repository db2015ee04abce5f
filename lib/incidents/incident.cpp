#include "incidents/incident.h"

#include <array>

#include "incidents/report_catalog.h"
#include "util/hex.h"
#include "util/sha256.h"

namespace klogd {

std::string_view to_string(IncidentType t) {
  switch (t) {
    case IncidentType::kOops:
      return "oops";
    case IncidentType::kBug:
      return "bug";
    case IncidentType::kWarning:
      return "warning";
    case IncidentType::kPanic:
      return "panic";
    case IncidentType::kHungTask:
      return "hung_task";
    case IncidentType::kRcuStall:
      return "rcu_stall";
    case IncidentType::kSoftLockup:
      return "soft_lockup";
    case IncidentType::kHardLockup:
      return "hard_lockup";
    case IncidentType::kOom:
      return "oom";
    case IncidentType::kKasan:
      return "kasan";
    case IncidentType::kKmsan:
      return "kmsan";
    case IncidentType::kKcsan:
      return "kcsan";
    case IncidentType::kKfence:
      return "kfence";
    case IncidentType::kUbsan:
      return "ubsan";
    case IncidentType::kLockdep:
      return "lockdep";
    case IncidentType::kLeak:
      return "leak";
    case IncidentType::kRefcount:
      return "refcount";
    case IncidentType::kOther:
      return "other";
  }
  return "other";
}

std::vector<TaintFlag> decode_taint(std::string_view flags) {
  static constexpr std::array<TaintFlag, 21> kFlags = {{
      {'G', "only GPL-compatible modules were loaded"},
      {'P', "a proprietary module was loaded"},
      {'F', "a module was force-loaded"},
      {'S', "running on out-of-specification hardware"},
      {'R', "a module was force-unloaded"},
      {'M', "the processor reported a machine check exception"},
      {'B', "a bad page was referenced or had unexpected flags"},
      {'U', "a user or program asked for the taint"},
      {'D', "the kernel died recently (an oops or BUG)"},
      {'A', "an ACPI table was overridden"},
      {'W', "the kernel issued a warning earlier"},
      {'C', "a staging driver was loaded"},
      {'I', "a firmware bug workaround is in use"},
      {'O', "an externally built (out-of-tree) module was loaded"},
      {'E', "an unsigned module was loaded"},
      {'L', "a soft lockup occurred earlier"},
      {'K', "the kernel was live-patched"},
      {'X', "an auxiliary (distribution-defined) taint"},
      {'T', "built with the struct randomization plugin"},
      {'N', "an in-kernel test was run"},
      {'J', "userspace used a mutating fwctl debug operation"},
  }};
  std::vector<TaintFlag> out;
  for (char c : flags) {
    for (const TaintFlag& f : kFlags) {
      if (f.letter == c) {
        out.push_back(f);
        break;
      }
    }
  }
  return out;
}

std::string_view frame_text(std::string_view frame) {
  size_t b = frame.find_first_not_of(' ');
  frame.remove_prefix(b == std::string_view::npos ? frame.size() : b);
  while (frame.starts_with("[")) {
    size_t e = frame.find("] ");
    if (e == std::string_view::npos) break;
    frame.remove_prefix(e + 2);
  }
  return frame;
}

FrameIdentity frame_identity(std::string_view frame) {
  frame = frame_text(frame);
  size_t end = 0;  // up to '+', '.' or ' ' (a loop: find_first_of asks memchr at every byte)
  while (end < frame.size() && frame[end] != '+' && frame[end] != '.' && frame[end] != ' ') ++end;
  FrameIdentity id{frame.substr(0, end), {}};
  const size_t mod = frame.find(" [");
  const size_t close = mod == std::string_view::npos ? mod : frame.find(']', mod);
  if (close != std::string_view::npos) id.module = frame.substr(mod, close - mod + 1);
  return id;
}

std::string fingerprint_input(const Incident& i) {
  std::string in(to_string(i.type));
  in += '\n';
  in += i.function;
  size_t used = 0;
  for (const std::string& f : i.frames) {
    if (used == kFingerprintFrames) break;
    const FrameIdentity id = frame_identity(f);
    if (id.name.empty() || is_infrastructure(id.name)) continue;
    in += '\n';
    in += id.name;
    in += id.module;
    ++used;
  }
  return in;
}

std::string fingerprint_of_input(std::string_view input) {
  const std::array<uint8_t, 32> digest = sha256(input);
  return hex_bytes(digest.data(), kFingerprintDigits / 2);
}

std::string incident_fingerprint(const Incident& i) {
  return fingerprint_of_input(fingerprint_input(i));
}

}  // namespace klogd
