#include "incidents/incident_namer.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <iterator>
#include <optional>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "annotate/annotator.h"
#include "annotate/source_lines.h"
#include "incidents/guilty_file.h"
#include "incidents/joined_lines.h"
#include "incidents/line_cache.h"
#include "incidents/report_catalog.h"
#include "incidents/report_title.h"
#include "symbols/kernel_release.h"
#include "util/demangle.h"
#include "util/text.h"

namespace klogd {
namespace {

bool has(std::string_view s, std::string_view what) {
  return s.find(what) != std::string_view::npos;
}

// The report's task line (symbols/kernel_release.h reads it, for every reader).
bool parse_cpu_line(std::string_view l, Incident* in) {
  const std::optional<CpuLine> c = klogd::parse_cpu_line(l);
  if (!c) return false;
  in->comm.assign(c->comm);
  in->taint.assign(c->taint);
  in->release.assign(c->release);
  in->cpu = c->cpu;
  in->pid = c->pid;
  return true;
}

// "INFO: task kworker/u4:1:1234 blocked for more than 143 seconds."
void parse_hung_task(std::string_view l, Incident* in) {
  size_t t = l.find("INFO: task ");
  size_t b = l.find(" blocked ");
  if (b == std::string_view::npos) b = l.find(" can't die for more than");
  if (t == std::string_view::npos || b == std::string_view::npos || b < t + 11) return;
  std::string_view who = l.substr(t + 11, b - t - 11);
  size_t colon = who.rfind(':');
  if (colon == std::string_view::npos) return;
  size_t at = colon + 1;
  auto pid = read_decimal(who, &at);
  if (!pid || at != who.size()) return;
  in->comm.assign(who.substr(0, colon));
  in->pid = pid;
}

// "Out of memory: Killed process 1234 (stress) total-vm:..."
void parse_oom_victim(std::string_view l, Incident* in) {
  size_t k = l.find("Killed process ");
  if (k == std::string_view::npos) return;
  std::string_view r = l.substr(k + 15);
  size_t i = 0;
  auto pid = read_decimal(r, &i);
  size_t open = r.find(" (", i);
  size_t close = r.find(')', open == std::string_view::npos ? 0 : open);
  if (!pid || open != i || close == std::string_view::npos) return;
  in->pid = pid;
  in->comm.assign(r.substr(open + 2, close - open - 2));
}

bool is_marker(std::string_view s) {
  size_t b = s.find_first_not_of(' ');
  if (b == std::string_view::npos) return false;
  s.remove_prefix(b);
  return s.size() >= 3 && s.front() == '<' && s.back() == '>';
}

std::string clean_frame(std::string_view s) {
  s = trim_right(frame_text(s), " \r");
  if (s.ends_with(kUnverifiedMark)) s.remove_suffix(kUnverifiedMark.size());  // said elsewhere
  return std::string(s);
}

bool is_frame(std::string_view line) {
  thread_local std::string name;  // its buffer kept: every line of a trace is asked
  return has(line, "+0x") && is_frame_line(line, &name);
}

// Whether a line holds "Call Trace:", "Call trace:" or "Backtrace:": each ends "race:", which is
// looked for once.
bool trace_start(std::string_view l) {
  for (size_t at = l.find("race:"); at != std::string_view::npos; at = l.find("race:", at + 1)) {
    if (at >= 6 && (l.substr(at - 6, 6) == "Call T" || l.substr(at - 6, 6) == "Call t"))
      return true;
    if (at >= 5 && l.substr(at - 5, 5) == "Backt") return true;
  }
  return false;
}

// The first trace: after "Call Trace:" (or "Backtrace:"), else (KCSAN, KMSAN print none) the
// first run of frame lines after the header.
std::vector<std::string> trace_frames(const std::vector<std::string>& lines) {
  std::vector<std::string> frames;
  size_t i = 1;
  while (i < lines.size() && !trace_start(lines[i])) ++i;
  if (i < lines.size()) {
    ++i;
  } else {
    i = 1;
    while (i < lines.size() && !is_frame(lines[i])) ++i;
  }
  for (; i < lines.size() && frames.size() < 64; ++i) {
    if (is_marker(lines[i])) continue;
    if (!is_frame(lines[i])) break;
    frames.push_back(clean_frame(lines[i]));
  }
  return frames;
}

// A frame with its name demangled: "_RNv...+0x1c/0x40 [m]" -> "<m::T>::f+0x1c/0x40 [m]".
std::string demangle_frame(const std::string& frame) {
  if (!looks_mangled(frame)) return frame;
  size_t end = frame.find_first_of("+. ");
  return demangle_name(std::string_view(frame).substr(0, end)) +
         (end == std::string::npos ? std::string() : frame.substr(end));
}

// The module printed after the guilty frame, if any: "f+0x11/0x20 [crashme]".
std::string module_of(const std::vector<std::string>& lines, const std::string& function,
                      const std::vector<std::string>& frames, const JoinedLines& joined) {
  if (function.empty()) return {};
  for (const std::string& f : frames) {  // a mangled name, titled demangled
    if (!looks_mangled(f) || demangle_frame(f).rfind(function, 0) != 0) continue;
    size_t open = f.find(" [");
    size_t close = f.find(']', open == std::string::npos ? f.size() : open);
    if (close != std::string::npos) return f.substr(open + 2, close - open - 2);
  }
  // the lines that hold a mangled token or the function, in order (found in the joined text)
  const size_t n = lines.size();
  JoinedLines::Next mangled(joined, " _", n), named(joined, function, n);
  auto next = [&](size_t from) { return std::min(mangled(from), named(from)); };
  for (size_t i = next(0); i < n; i = next(i + 1)) {
    const std::string& l = lines[i];
    // a mangled name printed on a line (RIP:, WARNING: ... at), titled demangled: "f+0x1/0x2 [m]"
    for (size_t at = find_literal(l, " _"); at != std::string::npos;
         at = find_literal(l, " _", at + 2)) {
      const size_t end = l.find(' ', at + 1);
      const std::string_view token =
          std::string_view(l).substr(at + 1, end == std::string::npos ? end : end - at - 1);
      if (!looks_mangled(token) || end == std::string::npos || l.compare(end, 2, " [") != 0 ||
          demangle_frame(std::string(token)).rfind(function + "+", 0) != 0)
        continue;
      const size_t close = l.find(']', end);
      if (close != std::string::npos) return l.substr(end + 2, close - end - 2);
    }
    for (size_t at = find_literal(l, function); at != std::string::npos;
         at = find_literal(l, function, at + function.size())) {
      if (at > 0 && (std::isalnum(static_cast<unsigned char>(l[at - 1])) || l[at - 1] == '_'))
        continue;
      size_t e = at + function.size();
      if (e >= l.size() || (l[e] != '+' && l[e] != '.')) continue;
      size_t sp = l.find(' ', e);
      if (sp == std::string::npos || sp + 1 >= l.size() || l[sp + 1] != '[') continue;
      size_t close = l.find(']', sp);
      std::string mod =
          close == std::string::npos ? std::string() : l.substr(sp + 2, close - sp - 2);
      if (!mod.empty() && mod.find_first_of(" <>:+") == std::string::npos) return mod;
    }
  }
  return {};
}

// The decimal digits of a text, in order: next(p) is the first at or after p (or the end). A
// block of sixteen bytes is classified once (SSE2) and its digits taken from its bit mask.
class Digits {
 public:
  Digits(const char* begin, const char* end) : block_(begin), end_(end) { load(); }
  const char* next(const char* p) {
    for (;;) {
      if (p < block_ + 16) {
        const unsigned below = p <= block_ ? 0 : static_cast<unsigned>(p - block_);
        const unsigned m = below >= 16 ? 0 : mask_ >> below << below;
        if (m) return block_ + __builtin_ctz(m);
      }
      if (end_ - block_ <= 16) return end_;
      block_ += 16;
      load();
    }
  }

 private:
  void load() {
    mask_ = 0;
#if defined(__SSE2__)
    if (end_ - block_ >= 16) {
      const __m128i v = _mm_sub_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(block_)),
                                     _mm_set1_epi8('0'));
      // v - '0' <= 9 as unsigned bytes: min(v - '0', 9) == v - '0'
      mask_ = static_cast<unsigned>(
          _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(9)), v)));
      return;
    }
#endif
    for (int i = 0; i < 16 && block_ + i < end_; ++i)
      if (block_[i] >= '0' && block_[i] <= '9') mask_ |= 1u << i;
  }
  const char* block_;
  const char* end_;
  unsigned mask_ = 0;
};

// 128 bits of a text: four 64-bit lanes, a word each in turn (their multiplications overlap:
// one chain waited on each), folded into two halves at the end.
RepeatKey hash128(const char* m, size_t size) {
  uint64_t lane[4] = {0xcbf29ce484222325ull ^ size, 0x9e3779b97f4a7c15ull, 0xc2b2ae3d27d4eb4full,
                      0x165667b19e3779f9ull};
  constexpr uint64_t kMul[4] = {0xff51afd7ed558ccdull, 0xc4ceb9fe1a85ec53ull, 0x9fb21c651e98df25ull,
                                0x100000001b3ull};
  auto put = [&](int k, uint64_t w) {
    uint64_t x = (lane[k] ^ w) * kMul[k];
    lane[k] = x ^ (x >> 29);
  };
  size_t i = 0;
  for (; i + 32 <= size; i += 32) {
    uint64_t w[4];
    std::memcpy(w, m + i, 32);
    for (int k = 0; k < 4; ++k) put(k, w[k]);
  }
  int k = 0;
  for (; i + 8 <= size; i += 8, ++k) {
    uint64_t w;
    std::memcpy(&w, m + i, 8);
    put(k, w);
  }
  uint64_t tail = 0;
  std::memcpy(&tail, m + i, size - i);
  put(k & 3, tail ^ 0x80);
  auto fold = [](uint64_t x, uint64_t y) {
    x = (x ^ (y * 0x9e3779b97f4a7c15ull)) * 0xff51afd7ed558ccdull;
    return x ^ (x >> 32);
  };
  return {fold(lane[0], lane[1]) ^ lane[2], fold(lane[2], lane[3]) ^ lane[0]};
}

// One line with every number and address made one '#', written to o (room for the line and 16
// bytes more); returns the end. A number is a run of hex digits that holds a digit and is not
// glued to a name before it ("ffffc90000abfe30", "0x1f", "77"; not the 4 of "ext4_").
char* mask_line(std::string_view l, char* o) {
  // per byte: 1 a hex digit that is a letter, 2 a decimal digit, 4 a letter or '_' (a name's)
  static const std::array<uint8_t, 256> kClass = [] {
    std::array<uint8_t, 256> c{};
    for (int b = 0; b < 256; ++b) {
      if (b >= '0' && b <= '9') c[b] = 2;
      if ((b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || b == '_') c[b] = 4;
      if ((b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F')) c[b] |= 1;
    }
    return c;
  }();
  auto cls = [](char ch) { return kClass[static_cast<unsigned char>(ch)]; };
  const char* const line = l.data();
  const char* const end = line + l.size();
  // [from, to) to o: the gaps between numbers are short (" ", ": "), and a call to memcpy for a
  // few bytes cost more than the rest of the loop; 16 bytes are copied at once where the line
  // has them (the excess is overwritten next).
  auto copy = [&o, end](const char* from, const char* to) {
    const auto n = static_cast<size_t>(to - from);
    if (n <= 16 && end - from >= 16)
      std::memcpy(o, from, 16);
    else
      std::memcpy(o, from, n);
    o += n;
  };
  // The text between digits is copied whole, and at each digit its run (the hex-class bytes
  // around it) is found and masked or kept.
  const char* p = line;  // copied up to here; the byte before p is no hex-class byte
  Digits digits(line, end);
  for (const char* d = digits.next(p); d != end; d = digits.next(p)) {
    const char* s = d;
    while (s > p && (cls(s[-1]) & 1)) --s;
    const char* e = d + 1;
    while (e < end && (cls(*e) & 3)) ++e;
    copy(p, s);
    if (s > line && (cls(s[-1]) & 4)) {  // glued to a name: "ext4_", "sda1"
      copy(s, e);
    } else {
      *o++ = '#';  // a number or an address
    }
    p = e;
  }
  copy(p, end);
  return o;
}

// The key of one line's masked text, kept for the lines seen last (line_cache.h).
RepeatKey line_key(std::string_view line) {
  thread_local LineCache<RepeatKey> keys;
  return keys.get(line, [](std::string_view l) {
    thread_local std::string masked;
    if (masked.size() < l.size() + 16) masked.resize(l.size() + 16);
    const char* end = mask_line(l, masked.data());
    return hash128(masked.data(), static_cast<size_t>(end - masked.data()));
  });
}

// The key of the text a title is drawn from (all the lines: damage is judged on them all), each
// line masked (mask_line): the same crash again (other addresses, registers, PIDs) gives the
// same key. Its kind and title lines, then each line's key, hashed (a remembered title is
// confirmed by the fingerprint besides).
RepeatKey repeat_key(const CrashReport& r) {
  thread_local std::vector<uint64_t> words;
  words.clear();
  words.push_back(reinterpret_cast<uintptr_t>(r.kind));
  words.push_back(std::min(r.title_lines, r.lines.size()));
  for (const std::string& l : r.lines) {
    const RepeatKey k = line_key(l);
    words.push_back(k.first);
    words.push_back(k.second);
  }
  return hash128(reinterpret_cast<const char*>(words.data()), words.size() * sizeof(uint64_t));
}

// Whether the report names the function a remembered title blames (mangled names aside).
bool names(const CrashReport& r, const std::string& function) {
  if (function.empty() || function.find_first_of("<:( ") != std::string::npos) return true;
  for (const std::string& l : r.lines)
    if (l.find(function) != std::string::npos) return true;
  return false;
}

}  // namespace

IncidentNamer::IncidentNamer(size_t remembered) : capacity_(remembered) {}

IncidentNamer::~IncidentNamer() = default;

Incident IncidentNamer::name(const CrashReport& r, const Wanted& wanted, bool* whole) {
  if (whole) *whole = true;
  const RepeatKey key = capacity_ ? repeat_key(r) : RepeatKey{};
  std::string input;
  for (size_t i = 0; i < known_.size(); ++i) {
    Known& k = known_[i];
    if (k.key != key) continue;
    // Seen before: the title is the same, confirmed by the function it names being there and
    // by the frames, through the fingerprint's input.
    if (!names(r, k.title.function)) break;
    Incident in = identify(r, k.title, &input);
    if (input != k.fingerprint_input) break;
    in.fingerprint = k.fingerprint;
    if (!wanted || wanted(in.fingerprint))
      complete(r, &in, &k.guilty_file);
    else if (whole)
      *whole = false;
    std::rotate(known_.begin(), known_.begin() + static_cast<ptrdiff_t>(i),
                known_.begin() + static_cast<ptrdiff_t>(i) + 1);
    ++recognised_;
    return in;
  }
  const JoinedLines joined(r.lines);  // for the title and the rest
  ReportTitle t = title_report(*r.kind, r.lines, r.title_lines, joined);
  Incident in = identify(r, t, &input);
  in.fingerprint = fingerprint_of_input(input);
  complete(r, &in, nullptr, &joined);
  if (capacity_) {
    if (known_.size() == capacity_) known_.pop_back();
    known_.insert(known_.begin(),
                  Known{key, std::move(t), in.fingerprint, std::move(input), in.guilty_file});
  }
  return in;
}

Incident IncidentNamer::identify(const CrashReport& r, const ReportTitle& t,
                                 std::string* fingerprint_input_out) {
  Incident in;
  in.title = t.title;
  in.type = t.type;
  in.function = t.function;
  in.corrupted = t.corrupted || r.cut;
  in.panicked = r.panicked || in.type == IncidentType::kPanic;
  in.first_line = r.first;
  in.last_line = r.last;
  in.frames = trace_frames(r.lines);
  *fingerprint_input_out = fingerprint_input(in);  // over the names as printed
  return in;
}

void IncidentNamer::complete(const CrashReport& r, Incident* in, const std::string* guilty,
                             const JoinedLines* joined) {
  std::optional<JoinedLines> own;
  if (!joined) joined = &own.emplace(r.lines);
  // Each of the line searches below looks only at the lines that hold its literal, found in
  // the joined text: a report of hundreds of lines was searched line by line for each.
  const size_t n = r.lines.size();
  for (size_t i = joined->next_with("CPU: ", 0, n); i < n; i = joined->next_with("CPU: ", i + 1, n))
    if (parse_cpu_line(r.lines[i], in)) break;
  if (in->type == IncidentType::kHungTask && !in->pid) parse_hung_task(r.lines[0], in);
  if (in->type == IncidentType::kOom) {
    for (const std::string& l : r.lines) {
      if (has(l, "Killed process ")) {
        parse_oom_victim(l, in);
        break;
      }
    }
  }
  JoinedLines::Next pc_literals[] = {{*joined, kPcLineMarks[0], n},
                                     {*joined, kPcLineMarks[1], n},
                                     {*joined, kPcLineMarks[2], n},
                                     {*joined, kPcLineMarks[3], n}};
  static_assert(std::size(kPcLineMarks) == 4, "a Next above for each");
  auto next_pc = [&](size_t from) {  // a line that may be a PC line (kPcLineMarks)
    size_t at = n;
    for (JoinedLines::Next& l : pc_literals) at = std::min(at, l(from));
    return at;
  };
  for (size_t i = next_pc(0); i < n; i = next_pc(i + 1)) {
    if (!is_pc_line(r.lines[i])) continue;
    in->pc_line = r.lines[i];
    break;
  }
  in->module = module_of(r.lines, in->function, in->frames, *joined);
  // a repeat (the same text but for its numbers, the same frames) names the same files
  in->guilty_file = guilty ? *guilty : guilty_file(r.lines, in->title);
  for (std::string& f : in->frames) f = demangle_frame(f);
}

}  // namespace klogd
