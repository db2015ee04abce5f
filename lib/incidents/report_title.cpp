#include "incidents/report_title.h"

#include <algorithm>
#include <optional>

#include "incidents/joined_lines.h"
#include "incidents/name_answers.h"
#include "util/demangle.h"
#include "util/text.h"

namespace klogd {
namespace {

void add_groups(const RegexMatch& m, std::vector<std::string>* out) {
  for (std::string_view g : m.groups) out->emplace_back(g);
}

struct SeqMatch {
  size_t line = 0, col = 0;
  std::vector<std::string> groups;
};

// Which lines the common stack patterns match, found once a report: where a trace starts (each
// pattern's lines, in order) and the damaged lines.
struct LineHits {
  std::vector<std::vector<size_t>> starts;  ///< per stack_start pattern, its lines
  std::vector<uint8_t> any_start, corrupted;
  LineHits(const std::vector<std::string>& lines, const JoinedLines& joined) {
    const StackParams& sp = stack_params();
    const size_t n = lines.size();
    any_start.assign(n, 0);
    corrupted.assign(n, 0);
    auto each = [&](const Pattern& p, auto fn) {
      for (size_t i = p.literal.empty() ? 0 : joined.next_with(p.literal, 0, n); i < n;
           i = p.literal.empty() ? i + 1 : joined.next_with(p.literal, i + 1, n))
        if (p.re.found(lines[i])) fn(i);
    };
    for (const Pattern& p : sp.stack_start) {
      starts.emplace_back();
      each(p, [&](size_t i) {
        starts.back().push_back(i);
        any_start[i] = 1;
      });
    }
    for (const Pattern& p : sp.corrupted_line) each(p, [&](size_t i) { corrupted[i] = 1; });
  }
};

// The first place where the line patterns match in order (see LineSeq).
std::optional<SeqMatch> find_seq(const LineSeq& seq, const std::vector<std::string>& lines,
                                 const JoinedLines& joined, size_t n) {
  const std::string& first = seq[0].pattern.literal;
  for (size_t i = first.empty() ? 0 : joined.next_with(first, 0, n); i < n;
       i = first.empty() ? i + 1 : joined.next_with(first, i + 1, n)) {
    RegexMatch m;
    if (!seq[0].pattern.re.find(lines[i], &m)) continue;
    SeqMatch r;
    r.line = i;
    r.col = m.position;
    add_groups(m, &r.groups);
    size_t at = i;
    bool all = true;
    for (size_t k = 1; k < seq.size() && all; ++k) {
      bool found = false;
      // the next line that holds the pattern's literal, found in the joined text (a report of
      // hundreds of lines was otherwise searched line by line)
      const std::string& literal = seq[k].pattern.literal;
      auto next = [&](size_t j) {
        return literal.empty() || seq[k].next_line ? j : joined.next_with(literal, j, n);
      };
      for (size_t j = next(at + 1); j < n && !found; j = next(j + 1)) {
        if (seq[k].pattern.find(lines[j], &m)) {
          add_groups(m, &r.groups);
          at = j;
          found = true;
        }
        if (seq[k].next_line) break;
      }
      all = found;
    }
    if (all) return r;
  }
  return std::nullopt;
}

bool any_match(const std::vector<Pattern>& res, std::string_view line) {
  for (const Pattern& p : res)
    if (p.found(line)) return true;
  return false;
}

// The frames a match yields: every captured group that is not infrastructure.
// Names as the skip lists and titles know them: demangled (Rust, C++).
void append_frames(const RegexMatch& m, const StackRule& rule, std::vector<std::string>* out) {
  for (std::string_view g : m.groups) {
    if (!g.data()) continue;
    if (!looks_mangled(g)) {  // nearly every name: asked as it stands, kept only if not skipped
      if (!rule.skips(g)) out->emplace_back(g);
      continue;
    }
    std::string f = demangle_name(g);
    if (!rule.skips(f)) out->push_back(std::move(f));
  }
}

// A frame without the longest of the prefixes syscall frames lose ("__x64_sys_", ...).
std::string_view strip_prefixes(std::string_view frame) {
  std::string_view best = frame;
  for (const std::string& p : stack_params().strip_prefixes)
    if (frame.starts_with(p) && frame.size() - p.size() < best.size())
      best = frame.substr(p.size());
  return best;
}

// Whether a frame is one a stall is entered from: a search of the anchors, its answers kept
// (a stalled CPU's trace repeats its few functions; name_answers.h).
bool stall_anchor(std::string_view frame) {
  const Regex& anchors = stack_params().stall_anchors;
  thread_local NameAnswers known;
  return known.get(&anchors.pattern(), frame,
                   [&anchors](std::string_view f) { return anchors.found(f); });
}

// A stall loops in code entered from one of the anchors: the frame above the first anchor.
size_t stall_frame(const std::vector<std::string_view>& frames, std::string_view* name) {
  for (size_t i = 0; i < frames.size(); ++i) {
    if (stall_anchor(frames[i])) {
      if (frames[i].find("smp_call_function") != std::string_view::npos) {
        *name = "smp_call_function";
        return i;
      }
      size_t at = i == 0 ? 0 : i - 1;
      *name = frames[at];
      return at;
    }
  }
  return std::string::npos;
}

// Hung tasks hang anywhere RCU or the RTNL is stuck: two buckets, then the first frame that is
// not waiting.
size_t hang_frame(const std::vector<std::string_view>& frames, std::string_view* name) {
  for (size_t i = 0; i < frames.size(); ++i) {
    if (frames[i].find("rtnl_lock") != std::string_view::npos) {
      *name = frames[i];
      return i;
    }
    for (const char* s :
         {"synchronize_rcu", "synchronize_srcu", "synchronize_net", "synchronize_sched"}) {
      if (frames[i].find(s) != std::string_view::npos) {
        *name = "synchronize_rcu";
        return i;
      }
    }
  }
  for (size_t i = 0; i < frames.size(); ++i) {
    bool waiting = false;
    for (const char* s :
         {"sched", "_lock", "_slowlock", "down", "rwsem", "completion", "kthread", "wait",
          "synchronize", "context_switch", "__switch_to", "cancel_delayed_work", "rcu_barrier"})
      waiting = waiting || frames[i].find(s) != std::string_view::npos;
    if (!waiting) {
      *name = frames[i];
      return i;
    }
  }
  return std::string::npos;
}

std::string choose(const std::vector<std::string>& raw, FrameChoice choice) {
  if (raw.empty()) return {};
  if (choice == FrameChoice::kFirst) return std::string(strip_prefixes(raw[0]));
  std::vector<std::string_view> stripped;  // views of raw
  stripped.reserve(raw.size());
  for (const std::string& f : raw) stripped.push_back(strip_prefixes(f));
  std::string_view name;
  if (choice == FrameChoice::kStall)
    stall_frame(stripped, &name);
  else
    hang_frame(stripped, &name);
  return std::string(name);
}

// Walks the parts of a stack rule over the lines from (line, col); one chosen frame per walked
// stack trace. False when a trace gave no frame (its place then says "corrupted").
bool walk_parts(const std::vector<StackPart>& parts, const StackRule& rule,
                const std::vector<std::string>& lines, const LineHits& hits, size_t line,
                size_t col, size_t n, std::vector<std::string>* results) {
  const StackParams& sp = stack_params();
  size_t next = line;  // the next line to look at
  // The line to look at, and whether a common pattern matches it (the first line is looked at
  // from `col` on: the flags, found on whole lines, do not hold for it).
  bool corrupted = false, starts_stack = false;
  auto take = [&](std::string_view* out) {
    if (next >= n) return false;
    if (next == line) {
      *out = std::string_view(lines[next]).substr(std::min(col, lines[next].size()));
      corrupted = any_match(sp.corrupted_line, *out);
      starts_stack = any_match(sp.stack_start, *out);
    } else {
      *out = lines[next];
      corrupted = hits.corrupted[next];
      starts_stack = hits.any_start[next];
    }
    ++next;
    return true;
  };
  std::vector<std::string> raw;
  bool ok = true;
  size_t stacks = 0;
  for (size_t i = 0;; ++i) {
    if (i == parts.size() || (parts[i].walk && stacks > 0)) {
      std::string key = choose(raw, rule.choice);
      if (key.empty()) {
        key = "corrupted";
        ok = false;
      }
      results->push_back(std::move(key));
      raw.clear();
    }
    if (i == parts.size()) break;
    std::string_view ln;
    RegexMatch m;
    if (parts[i].walk) {
      ++stacks;
      while (take(&ln)) {
        if (corrupted) {
          ok = false;
          break;
        }
        if (starts_stack) break;
        if (i + 1 < parts.size() && parts[i + 1].pattern.find(ln, &m)) {
          append_frames(m, rule, &raw);
          ++i;
          break;
        }
        // the first frame is the one kFirst takes: the others need not be read
        if (rule.choice == FrameChoice::kFirst && !raw.empty()) continue;
        for (const Pattern& p : sp.frame) {
          if (p.find(ln, &m)) {
            append_frames(m, rule, &raw);
            break;
          }
        }
      }
    } else {
      while (take(&ln)) {
        if (corrupted) {
          ok = false;
          break;
        }
        if (parts[i].pattern.find(ln, &m)) {
          append_frames(m, rule, &raw);
          break;
        }
      }
    }
  }
  return ok;
}

bool walk_stack(const StackRule& rule, const std::vector<std::string>& lines, const LineHits& hits,
                size_t line, size_t col, size_t n, std::vector<std::string>* results) {
  std::vector<std::string> r;
  bool ok = walk_parts(rule.parts, rule, lines, hits, line, col, n, &r);
  if (ok || rule.parts2.empty()) {
    *results = std::move(r);
    return ok;
  }
  results->clear();
  return walk_parts(rule.parts2, rule, lines, hits, line, col, n, results);
}

std::string format_title(const std::string& fmt, const std::vector<std::string>& args) {
  std::string out;
  for (size_t i = 0; i < fmt.size(); ++i) {
    if (fmt[i] == '%' && i + 1 < fmt.size() && fmt[i + 1] >= '1' && fmt[i + 1] <= '9') {
      size_t k = static_cast<size_t>(fmt[i + 1] - '1');
      if (k < args.size()) out += args[k];
      ++i;
    } else {
      out.push_back(fmt[i]);
    }
  }
  return out;
}

// Why a titled report is damaged: it should hold a stack trace (a "Call Trace:", "Allocated
// by", ... followed by frames) and does not.
std::string stack_damage(const std::vector<std::string>& lines, const LineHits& hits,
                         const TitleFormat& f) {
  if (f.no_stack_trace) return {};
  const StackParams& sp = stack_params();
  const size_t n = lines.size();
  bool has_stack = false;
  for (size_t k = 0; k < sp.stack_start.size(); ++k) {
    if (hits.starts[k].empty()) continue;
    const size_t at = hits.starts[k][0];
    if (n - at < 3) return "call trace is missed";
    bool damaged = true;
    for (size_t j = at + 1; j < n && j <= at + 15; ++j) {
      if (hits.any_start[j]) break;
      if (lines[j].find("(stack is not available)") != std::string::npos ||
          any_match(sp.frame, lines[j])) {
        has_stack = true;
        damaged = false;
        break;
      }
    }
    const bool riscv = k + 1 == sp.stack_start.size();
    if (!riscv && damaged) return "no frames in a stack trace";
  }
  return has_stack ? std::string() : "no stack trace in report";
}

struct Replacement {
  Regex re;
  const char* with;
};

}  // namespace

std::string normalize_title(std::string title) {
  static const std::vector<Replacement> table = [] {
    std::vector<Replacement> t;
    auto add = [&](const char* re, const char* with) { t.push_back({Regex(re), with}); };
    add(R"(syz-executor\.?[0-9]+((/|:)[0-9]+)?)", "syz-executor");
    add(R"(syzkaller[0-9]+((/|:)[0-9]+)?)", "syzkaller");
    add(R"(([^a-zA-Z0-9])(?:0x)?[0-9a-f]{6,})", R"(\1ADDR)");
    add(R"(([0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}))", "IP");
    add(R"((\.\w+)(:[0-9]+)+)", R"(\1:LINE)");
    add(R"(([a-zA-Z][a-zA-Z0-9_.]+)\+0x[0-9a-z]+/0x[0-9a-z]+)", R"(\1)");
    add(R"(CPU#[0-9]+)", "CPU");
    add(R"((\W)(\d+)(\W|$))", R"(\1NUM\3)");
    add(R"((\d+){7,})", "NUM");
    return t;
  }();
  if (title.size() > kMaxTitleInput) title.resize(kMaxTitleInput);
  for (const Replacement& r : table) {
    for (int rounds = 0; rounds < 64; ++rounds) {
      std::string next = title;
      if (r.re.replace_all(&next, r.with) == 0 || next == title) break;
      title = std::move(next);
    }
  }
  // printable ASCII, single spaces, at most 120 bytes of the input
  constexpr size_t kMaxTitle = 120;
  std::string out;
  char prev = ' ';
  for (size_t i = 0; i < title.size() && i < kMaxTitle; ++i) {
    char c = title[i];
    if (c == '\t') c = ' ';
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) continue;
    if (c == ' ' && prev == ' ') continue;
    out.push_back(c);
    prev = c;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

bool is_frame_line(std::string_view line, std::string* name) {
  thread_local RegexMatch m;  // its groups' buffer kept: every line of a trace is asked
  for (const Pattern& p : stack_params().frame) {
    if (p.find(line, &m)) {
      for (std::string_view g : m.groups) {
        if (g.data()) {
          name->assign(g);
          return true;
        }
      }
    }
  }
  return false;
}

ReportTitle title_report(const ReportKind& kind, const std::vector<std::string>& lines,
                         size_t title_lines) {
  return title_report(kind, lines, title_lines, JoinedLines(lines));
}

ReportTitle title_report(const ReportKind& kind, const std::vector<std::string>& lines,
                         size_t title_lines, const JoinedLines& joined) {
  const size_t n = std::min(title_lines, lines.size());
  ReportTitle r;
  const LineHits hits(lines, joined);
  std::string desc;
  size_t start_line = n, start_col = 0;
  bool matched_title = false;
  for (const TitleFormat& f : kind.formats) {
    auto m = find_seq(f.title, lines, joined, n);
    if (!m) continue;
    auto pos = std::make_pair(m->line, m->col);
    auto start = std::make_pair(start_line, start_col);
    if (pos > start || (pos == start && !desc.empty())) continue;
    if (pos < start) {
      desc.clear();
      r.format = nullptr;
      r.function.clear();
      start_line = m->line;
      start_col = m->col;
    }
    matched_title = true;
    if (!f.report.empty()) {
      m = find_seq(f.report, lines, joined, n);
      if (!m) continue;
    }
    std::vector<std::string> args = m->groups;
    for (std::string& a : args)
      if (looks_mangled(a)) a = demangle_name(a);
    std::string damage;
    if (f.stack) {
      std::vector<std::string> frames;
      if (!walk_stack(*f.stack, lines, hits, m->line, m->col, n, &frames))
        damage = "no frame in the stack trace";
      for (std::string& fr : frames) args.push_back(std::move(fr));
    }
    desc = format_title(f.fmt, args);
    r.corrupted_reason = damage;
    r.format = &f;
    r.function.clear();
    if (f.guilty > 0 && f.guilty <= args.size() && args[f.guilty - 1] != "corrupted") {
      const std::string& g = args[f.guilty - 1];
      r.function = g.substr(0, g.find("+0x"));
    }
  }
  if (desc.empty()) {
    // The header without a format that fits: its own line is the title.
    r.corrupted_reason = matched_title ? "the title's evidence is incomplete" : "";
    for (size_t i = 0; i < n && desc.empty(); ++i) {
      size_t at = lines[i].find(kind.header);
      if (at != std::string::npos) desc = lines[i].substr(at);
    }
  }
  r.type = r.format ? r.format->type : kind.type;
  if (r.corrupted_reason.empty() && r.format && r.format->corrupted)
    r.corrupted_reason = "a title only a damaged report gives";
  r.title = normalize_title(desc);
  if (r.corrupted_reason.empty()) {
    static const Regex stamp(R"(\[ *[0-9]+\.[0-9]+\])");
    if (stamp.found(desc))
      r.corrupted_reason = "a timestamp inside the title";
    else if (r.format)
      r.corrupted_reason = stack_damage(lines, hits, *r.format);
  }
  r.corrupted = !r.corrupted_reason.empty();
  return r;
}

}  // namespace klogd
