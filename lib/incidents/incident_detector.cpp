#include "incidents/incident_detector.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <iterator>

#include "incidents/catalog_regex.h"
#include "incidents/header_filter.h"
#include "incidents/report_catalog.h"
#include "util/text.h"

namespace klogd {

namespace {

bool has(std::string_view s, std::string_view what) {
  return s.find(what) != std::string_view::npos;
}

// Whether a frame line is one the unwinder was unsure of (" ? " before it): '?' is rare in a
// line, ' ' is in every word, so the search starts at the '?'.
bool questionable_frame(std::string_view s) {
  for (size_t q = s.find('?'); q != std::string_view::npos; q = s.find('?', q + 1))
    if (q > 0 && q + 1 < s.size() && s[q - 1] == ' ' && s[q + 1] == ' ') return true;
  return s.ends_with(" (unreliable)");
}

// The markers a line inside a report is looked at for, found in one pass over it (a dozen
// substring searches a line cost a storm more than the rest of the engine).
enum Mark : unsigned {
  kCutHere = 1u << 0,       // "[ cut here ]": the next report's first line
  kPanic = 1u << 1,         // "Kernel panic - not syncing"
  kEndTrace = 1u << 2,      // "---[ end trace"
  kEndPanic = 1u << 3,      // "---[ end Kernel panic"
  kLockDebugOff = 1u << 4,  // "Disabling lock debugging due to kernel taint"
  kSendingNmi = 1u << 5,    // "Sending NMI from CPU"
  kCircular = 1u << 6,      // "WARNING: possible circular locking dependency detected"
  kTrace = 1u << 7,         // "Call Trace", "Call trace", "Backtrace:"
  kEoi = 1u << 8,           // "<EOI>"
  kInfoStack = 1u << 9,     // kInfoWithStack's texts (report_catalog.h)
};

// Each marker's text (all but "<EOI>" ten bytes or more: marks_of).
struct Marker {
  std::string_view text;
  unsigned mark;
};
constexpr Marker kMarkers[] = {
    {"[ cut here ]", kCutHere},
    {"Kernel panic - not syncing", kPanic},
    {"---[ end trace", kEndTrace},
    {"---[ end Kernel panic", kEndPanic},
    {"Disabling lock debugging due to kernel taint", kLockDebugOff},
    {"Sending NMI from CPU", kSendingNmi},
    {"WARNING: possible circular locking dependency detected", kCircular},
    {"Call Trace", kTrace},
    {"Call trace", kTrace},
    {"Backtrace:", kTrace},
    {"<EOI>", kEoi},
    {kInfoWithStack[0], kInfoStack},
    {kInfoWithStack[1], kInfoStack},
    {kInfoWithStack[2], kInfoStack},
};
static_assert(std::size(kInfoWithStack) == 3, "each of kInfoWithStack is a marker above");

// The markers a line holds: those of ten bytes and more found as a header filter finds report
// headers (a few probes a line, header_filter.h), "<EOI>" at a '<'.
unsigned marks_of(std::string_view t) {
  struct Long {
    std::vector<ReportKind> texts;  // a "kind" for each marker, its text as the header
    std::vector<unsigned> marks;    // and its mark
  };
  static const Long kLong = [] {
    Long l;
    for (const Marker& k : kMarkers) {
      if (k.text.size() < HeaderFilter::kStride + 3) continue;
      l.texts.push_back({.header = std::string(k.text)});
      l.marks.push_back(k.mark);
    }
    return l;
  }();
  static const HeaderFilter kFilter(kLong.texts);
  unsigned m = 0;
  for (uint64_t bits = kFilter.all(t); bits; bits &= bits - 1)
    m |= kLong.marks[static_cast<size_t>(__builtin_ctzll(bits))];
  for (size_t lt = t.find('<'); lt != std::string_view::npos; lt = t.find('<', lt + 1))
    if (t.substr(lt, 5) == "<EOI>") m |= kEoi;
  return m;
}

// A frame line as the kernel prints most of a trace's: "  ? name+0x1c/0x40 [module]" (spaces,
// "? ", a name of [A-Za-z0-9_.$], "+0x" hex "/0x" hex, " [" a module "]"), nothing else. It
// holds no report header and no marker: each of those has a ':', '<' or '-', a space between
// two letters or digits, or "[ " (a test holds every one of them to it), and in such a line a
// space stands only at its start, after '?' or before " [". So inside a report it is only added.
}  // namespace

bool is_plain_frame(std::string_view t) {
  auto name = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '$';
  };
  auto hex = [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); };
  size_t i = 0;
  const size_t n = t.size();
  while (i < n && t[i] == ' ') ++i;
  if (i + 1 < n && t[i] == '?' && t[i + 1] == ' ') i += 2;
  const size_t start = i;
  while (i < n && name(t[i])) ++i;
  if (i == start) return false;
  for (char sep : {'+', '/'}) {
    if (i + 3 > n || t[i] != sep || t[i + 1] != '0' || t[i + 2] != 'x') return false;
    i += 3;
    const size_t digits = i;
    while (i < n && hex(t[i])) ++i;
    if (i == digits) return false;
  }
  if (i == n) return true;
  if (i + 3 > n || t[i] != ' ' || t[i + 1] != '[' || t[n - 1] != ']') return false;
  for (i += 2; i + 1 < n; ++i)
    if (!name(t[i])) return false;
  return i + 1 == n && t[n - 2] != '[';
}

std::vector<std::pair<std::string_view, unsigned>> detector_markers() {
  std::vector<std::pair<std::string_view, unsigned>> out;
  for (const Marker& m : kMarkers) out.emplace_back(m.text, m.mark);
  return out;
}

unsigned detector_marks(std::string_view line) { return marks_of(line); }

namespace {

// A sanitizer's banner: a line of '=' only (KASAN prints 66).
bool is_banner(std::string_view s) {
  size_t b = s.find_first_not_of(' ');
  if (b == std::string_view::npos) return false;
  s = trim_right(s.substr(b), " ");
  return s.size() >= 20 && s.find_first_not_of('=') == std::string_view::npos;
}

bool is_sanitizer(std::string_view header_line) {
  for (std::string_view s : {"KASAN:", "KMSAN:", "KCSAN:", "KFENCE:", "UBSAN:"})
    if (has(header_line, s)) return true;
  return false;
}

// After a report's end marker: what still belongs to it (x86 repeats RIP and the registers
// after "---[ end trace"; then the panic, its offset line and its own end).
bool is_tail(std::string_view s) {
  static const Regex re(
      R"(^(?:[A-Z][A-Z0-9]{1,3}: |Code: |Modules linked in|Kernel panic - not syncing|Kernel Offset:|---\[ end Kernel panic|Rebooting in|Dumping ftrace|note: |Fixing recursive fault|CPU: [0-9]+ |Hardware name:|Call Trace:|\s*</?[A-Z]+>|\s+[a-zA-Z0-9_.]+\+0x|Shutting down cpus|Sending NMI|NMI backtrace|SMP: stopping))");
  return re.found(s);
}

// syzkaller counts this many lines of a report before a panic in it ends what is taken for the
// title (panic_on_warn: the panic's own stack repeats the report's).
size_t min_lines(std::string_view header_line) { return has(header_line, "BUG: KMSAN:") ? 16 : 22; }

}  // namespace

struct IncidentDetector::Report {
  const ReportKind* kind = nullptr;
  std::string context;
  std::vector<std::string> lines;
  size_t title_end = std::string::npos;
  uint64_t first = 0, last = 0;
  std::optional<uint64_t> ts;
  std::chrono::steady_clock::time_point arrival;
  size_t text_lines = 0;
  size_t tail = 0;
  bool skip_text = false, cpu_traceback = false, panicked = false, ended = false, cut = false;
  bool has_trace = false;  ///< a "Call Trace:" was seen
  bool sanitizer = false;
  bool handed_on = false;  ///< at its end line (DetectorOptions::hand_on_at_end)
};

struct IncidentDetector::Facts {
  bool plain_frame = false;          ///< is_plain_frame: nothing else below is looked for
  const ReportKind* kind = nullptr;  ///< report_start
  bool inside = false;               ///< kind && continues_report
  unsigned marks = 0;                ///< marks_of
  bool questionable = false;         ///< questionable_frame
  mutable signed char tail = -1;     ///< is_tail, once asked (-1: not yet)
  bool is_tail(std::string_view t) const {
    if (tail < 0) tail = klogd::is_tail(t);
    return tail != 0;
  }
};

struct IncidentDetector::Pending {
  std::string context;
  uint64_t number = 0;
  int left = 0;  // lines it may still precede its header by
};

IncidentDetector::IncidentDetector(Sink sink, DetectorOptions options)
    : sink_(std::move(sink)), o_(options) {}

IncidentDetector::~IncidentDetector() = default;

const IncidentDetector::Facts& IncidentDetector::facts(std::string_view t) {
  return facts_.get(t, [](std::string_view line) {
    Facts f;
    f.plain_frame = is_plain_frame(line);
    if (!f.plain_frame) {
      f.kind = report_start(line);
      f.inside = f.kind && continues_report(line);
      f.marks = marks_of(line);
    }
    f.questionable = questionable_frame(line);
    return f;
  });
}

bool IncidentDetector::open() const { return !open_.empty(); }

IncidentDetector::Report* IncidentDetector::find(std::string_view context, size_t* index) {
  for (size_t i = 0; i < open_.size(); ++i) {
    if (open_[i]->context == context) {
      *index = i;
      return open_[i].get();
    }
  }
  // the other CPUs' backtraces a report asked for
  if (!context.empty() && context[0] == 'C') {
    for (size_t i = open_.size(); i-- > 0;) {
      if (open_[i]->cpu_traceback) {
        *index = i;
        return open_[i].get();
      }
    }
  }
  return nullptr;
}

namespace {

// `next` repeats `prev` up to the frame that `prev`, a copy for an inlined function, ends with
// ("... at lib/x.c:38 f include/y.h:404 [inline]" then "... at lib/x.c:38 g+0x13/0x1e lib/x.c:37").
bool inlined_copy(std::string_view prev, std::string_view next) {
  constexpr std::string_view kInline = " [inline]";
  if (prev.size() <= kInline.size() || prev.substr(prev.size() - kInline.size()) != kInline)
    return false;
  std::string_view head = prev.substr(0, prev.size() - kInline.size());
  for (int token = 0; token < 2; ++token) {  // the file:line, then the function
    const size_t space = head.rfind(' ');
    if (space == std::string_view::npos) return false;
    head = head.substr(0, space);
  }
  return !head.empty() && next.size() > head.size() && next.substr(0, head.size()) == head &&
         next[head.size()] == ' ';
}

}  // namespace

void IncidentDetector::start(const ReportLine& line, const ReportKind* kind, unsigned marks,
                             std::chrono::steady_clock::time_point now) {
  auto r = std::make_unique<Report>();
  r->kind = kind;
  r->context.assign(line.context);
  r->first = line.number;
  for (size_t i = 0; i < pending_.size(); ++i) {
    if (pending_[i]->context == line.context) {
      r->first = pending_[i]->number;
      pending_.erase(pending_.begin() + static_cast<ptrdiff_t>(i));
      break;
    }
  }
  r->sanitizer = is_sanitizer(line.text);
  r->lines = std::exchange(spare_vector_, {});  // a recycle()d vector, or none
  r->lines.reserve(64);                         // a report's lines, most of them
  Report& ref = *r;
  open_.push_back(std::move(r));
  add(ref, line, marks, false, now);
}

void IncidentDetector::add(Report& r, const ReportLine& line, unsigned m, bool questionable,
                           std::chrono::steady_clock::time_point now) {
  r.last = line.number;
  if (line.ts_usec) r.ts = line.ts_usec;
  r.arrival = now;
  if (questionable) return;
  const std::string_view t = line.text;
  ++r.text_lines;
  if ((m & kInfoStack) && (r.context.empty() || r.context == "console") &&
      r.title_end == std::string::npos && r.text_lines > 1)
    r.title_end = r.lines.size();
  bool skip = r.skip_text;
  if (m & kLockDebugOff) {
    skip = true;
  } else if (m & kSendingNmi) {
    r.cpu_traceback = true;
  } else if ((m & (kPanic | kCircular)) &&
             r.text_lines > min_lines(r.lines.empty() ? t : std::string_view(r.lines[0]))) {
    r.skip_text = skip = true;
  }
  if (m & kPanic) r.panicked = true;
  if (!skip || r.lines.empty()) {
    if (spare_lines_.empty()) {
      r.lines.emplace_back(t);
    } else {
      r.lines.push_back(std::move(spare_lines_.back()));
      spare_lines_.pop_back();
      r.lines.back().assign(t);
    }
  }
  if (m & kTrace) r.has_trace = true;
  if (m & (kEndTrace | kEndPanic))
    r.ended = true;
  else if (r.sanitizer && r.text_lines > 1 && is_banner(t))
    r.ended = true;
  if (r.ended && o_.hand_on_at_end) hand_on(r);
}

void IncidentDetector::feed(const ReportLine& line, std::chrono::steady_clock::time_point now) {
  if (!line.kernel) return;
  const std::string_view t = line.text;
  // nothing in progress (nearly always): only a line that may start something matters
  if (!busy() && !may_start_report(t)) return;
  size_t index = 0;
  Report* r = find(line.context, &index);
  if (r && r->ts && line.ts_usec && *line.ts_usec > *r->ts + o_.gap_usec) {
    finish(index);  // a quiet spell: it is over
    r = find(line.context, &index);
  }
  const Facts& f = facts(t);
  if (r && !r->ended && f.plain_frame) {  // most of a report: no header, no marker
    add(*r, line, 0, !line.context.empty() && f.questionable, now);
    if (r->lines.size() >= o_.max_lines) {
      r->cut = true;
      finish(index);
    }
    return;
  }
  const ReportKind* kind = f.kind;
  const bool inside = f.inside;  // a panic or double fault inside a report
  if (r && r->ended) {
    if ((!kind || inside) && (inside || f.is_tail(t)) && r->tail < 200) {
      ++r->tail;
      r->last = line.number;
      r->arrival = now;
      if (line.ts_usec) r->ts = line.ts_usec;
      const unsigned m = f.marks;
      if (m & kPanic) r->panicked = true;
      if (m & kEndPanic) r->tail = 200;  // nothing after it is the report's
      return;
    }
    finish(index);
    r = find(line.context, &index);
  }
  // With caller ids, a second header in the same task before any stack trace is the same
  // report going on (a header cut short and printed again, an oops while reporting a WARN):
  // its trace is this report's.
  if (kind && !inside && r && r->context == line.context && r->context != "console" &&
      !r->context.empty() && !r->has_trace)
    kind = nullptr;
  // A symbolizer prints a line whose frame was inlined once per inlined function, each copy
  // ending "func file:line [inline]", then the line itself: one header, not a report each.
  if (kind && !inside && r && r->kind == kind && r->context == line.context && !r->lines.empty() &&
      inlined_copy(r->lines.back(), t))
    kind = nullptr;
  if (kind && !inside) {
    if (r) {
      finish(index);
      r = find(line.context, &index);
      if (r && r->context != line.context) r = nullptr;
    }
    if (!r) {
      start(line, kind, f.marks, now);
      return;
    }
  }
  const unsigned m = r ? f.marks : 0;
  if (m & kCutHere) {
    hold_before_header(line);  // the next report's first line, not this one's last
    return;
  }
  if (r) {
    bool questionable = false;
    if (!line.context.empty() && !(m & kEoi)) questionable = f.questionable;
    add(*r, line, m, questionable, now);
    if (r->lines.size() >= o_.max_lines) {
      r->cut = true;
      finish(index);
    }
    return;
  }
  if (kind) {  // a panic (or another "inside" line) with no report around it
    start(line, kind, f.marks, now);
    return;
  }
  // what may come just before a header: "cut here", a sanitizer's banner
  for (size_t i = 0; i < pending_.size();) {
    if (pending_[i]->context == line.context && --pending_[i]->left <= 0)
      pending_.erase(pending_.begin() + static_cast<ptrdiff_t>(i));
    else
      ++i;
  }
  if (has(t, "[ cut here ]") || is_banner(t)) hold_before_header(line);
}

void IncidentDetector::hold_before_header(const ReportLine& line) {
  auto p = std::make_unique<Pending>();
  p->context.assign(line.context);
  p->number = line.number;
  p->left = 6;
  for (size_t i = 0; i < pending_.size(); ++i)
    if (pending_[i]->context == line.context)
      pending_.erase(pending_.begin() + static_cast<ptrdiff_t>(i--));
  pending_.push_back(std::move(p));
}

void IncidentDetector::idle(std::chrono::steady_clock::time_point now) {
  for (size_t i = 0; i < open_.size();) {
    if (now - open_[i]->arrival >= o_.idle)
      finish(i);
    else
      ++i;
  }
}

void IncidentDetector::flush() {
  while (!open_.empty()) finish(0);
  pending_.clear();
}

void IncidentDetector::finish(size_t index) {
  std::unique_ptr<Report> r = std::move(open_[index]);
  open_.erase(open_.begin() + static_cast<ptrdiff_t>(index));
  if (!r->handed_on) hand_on(*r);
}

void IncidentDetector::recycle(CrashReport&& done) {
  for (std::string& line : done.lines)
    if (spare_lines_.size() < kSpareLines && line.capacity() <= kSpareBytes)
      spare_lines_.push_back(std::move(line));
  done.lines.clear();
  if (spare_vector_.capacity() == 0 && done.lines.capacity() <= 4 * kSpareLines)
    spare_vector_ = std::move(done.lines);
}

void IncidentDetector::hand_on(Report& r) {
  r.handed_on = true;
  CrashReport c;
  c.kind = r.kind;
  c.title_lines = r.title_end == std::string::npos ? r.lines.size() : r.title_end;
  // Nothing is read of its lines after this: a report handed on while open has ended, and
  // an ended report takes no more lines (feed() only counts its tail) until it is finished.
  c.lines = std::move(r.lines);
  c.first = r.first;
  c.last = r.last;
  c.panicked = r.panicked;
  c.cut = r.cut;
  sink_(std::move(c));
}

}  // namespace klogd
