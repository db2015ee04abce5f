#pragma once
/// The kinds of kernel crash report klogd recognises and how each is titled, written down as
/// data: the rules by which syzbot names crashes on the kernel's mailing lists ("KASAN:
/// use-after-free Read in tcp_close", "WARNING in crashme_warn", "INFO: task hung in lock_sock"),
/// learnt from syzkaller's public report parser and kept in the same order, so that a title
/// comes out exactly as the community writes it. Two kinds are klogd's own (syzbot does not
/// report them): an OOM kill and a hard lockup.
///
/// A report kind has a header (a fixed string whose presence in a line starts a report, unless
/// one of the kind's suppressions matches the line) and title formats tried in order. A format
/// has a title pattern (where the title's evidence starts), optionally a report pattern (the
/// lines that must follow, with what they capture), a format string (%1... the captures, then
/// the frames the stack rule picked) and a stack rule: which lines to walk, which frames to skip
/// as infrastructure, and how to pick the guilty one. Patterns are ECMAScript regular
/// expressions over one line each, with {{PC}}, {{FUNC}}, {{SRC}} and {{ADDR}} standing for a
/// [<address>], a function name (captured) before its "+0x" or ".", a source "file.c:123"
/// (captured) and a 0x address.

#include <memory>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

namespace klogd {

/// Patterns see at most this much of a line: a report's lines are short, a flood's junk is not,
/// and std::regex recurses once per character it matches.
inline constexpr size_t kMatchBytes = 2048;
/// A symbol name is at most this long (the kernel's KSYM_NAME_LEN); a longer "frame" is junk,
/// never matched against the skip lists (std::regex would recurse once per character).
inline constexpr size_t kMaxSymbol = 512;
/// A title is normalized from at most this much text (it keeps 120 bytes of it).
inline constexpr size_t kMaxTitleInput = 512;

/// Compiles a catalog pattern (placeholders expanded).
std::regex catalog_regex(std::string_view pattern, bool icase = false);

/// Text that every match of a pattern holds: its longest run of plain characters outside any
/// group or class ("BUG: KASAN: " of "BUG: KASAN: ([-a-z]+)", " backtrace" of
/// "[^k] backtrace(...)?:"); "" with an alternation at the top level. A line without it cannot
/// match, so the regular expression need not run (std::regex is slow).
std::string required_literal(std::string_view pattern);

/// A compiled catalog pattern and its required literal.
struct Pattern {
  std::regex re;
  std::string literal;
};
Pattern catalog_pattern(std::string_view pattern);

/// Lines in order: the first found anywhere in the report, each next one on a later line (or,
/// with `next_line`, on the line right after the previous one).
struct LinePattern {
  std::regex re;
  bool next_line = false;
  std::string literal;  ///< required_literal of the pattern
};
using LineSeq = std::vector<LinePattern>;

/// One step of a stack rule: a line pattern (the first line after the position that matches;
/// what it captures is a frame), or "walk the stack trace from here".
struct StackPart {
  std::regex re;
  bool walk = false;
  std::string literal;  ///< required_literal of the pattern
};

/// How the guilty frame is chosen among the frames that were not skipped.
enum class FrameChoice {
  kFirst,  ///< the first
  kStall,  ///< a stall loops somewhere below its entry point: the frame before the first anchor
  kHang,   ///< hung tasks: synchronize_rcu / rtnl_lock buckets, else the first not waiting
};

struct StackRule {
  std::vector<StackPart> parts;
  std::vector<StackPart> parts2;  ///< tried when `parts` found no frame
  std::regex skip;                ///< the common skip list and this rule's own, one alternation
  FrameChoice choice = FrameChoice::kFirst;
};

struct TitleFormat {
  LineSeq title;
  LineSeq report;  ///< empty: the title pattern's captures are used
  std::string fmt;
  std::shared_ptr<const StackRule> stack;  ///< null: no frame
  bool no_stack_trace = false;  ///< such reports have no "Call Trace:" (not corrupted for it)
  bool corrupted = false;       ///< a title only a damaged report gives
};

struct ReportKind {
  std::string header;
  std::vector<TitleFormat> formats;
  std::vector<std::regex> suppressions;  ///< a line with the header but one of these is no start
};

/// Every kind, in the order they are tried on a line.
/// Builds the catalog (report_kinds() does once; the benchmark times it).
std::vector<ReportKind> build_report_kinds();
const std::vector<ReportKind>& report_kinds();

/// The kind a line starts (the first in order whose header it holds, not suppressed), or null.
/// Cheap for the lines that start nothing (almost all): one pass over the text.
const ReportKind* report_start(std::string_view line);

/// False when the line surely holds no header, no "[ cut here ]" and no "====" banner: then,
/// with no report open, it is of no interest. One cheap pass.
bool may_start_report(std::string_view line);

/// A line that holds a header but belongs to the report around it (the panic after an oops, a
/// double fault while handling a page fault): it does not end the report in progress.
bool continues_report(std::string_view line);

/// Lines that hold a stack trace without being a crash (a failed allocation's warning, fault
/// injection): inside a report, they mean another report's lines are mixed in.
bool is_info_with_stack(std::string_view line);

/// The common stack-walking rules (frame lines, where a trace starts, damaged lines, and the
/// prefixes syscall frames lose: SyS_, __x64_sys_, ...).
struct StackParams {
  std::vector<Pattern> stack_start;
  std::vector<Pattern> frame;
  std::vector<Pattern> corrupted_line;
  std::vector<std::string> strip_prefixes;
  std::regex stall_anchors;  ///< kStall's entry points
};
const StackParams& stack_params();

/// The frames no title names (reporting, sanitizers, locking, allocation, string and list
/// helpers): what the common skip list matches.
const std::regex& infrastructure_frames();

}  // namespace klogd
