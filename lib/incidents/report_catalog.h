#pragma once
/// The kinds of kernel crash report klogd recognises and how each is titled, written down as
/// data: the rules by which syzbot names crashes on the kernel's mailing lists ("KASAN:
/// use-after-free Read in tcp_close", "WARNING in crashme_warn", "INFO: task hung in lock_sock"),
/// learnt from syzkaller's public report parser and kept in the same order, so that a title
/// comes out exactly as the community writes it. Two kinds are klogd's own (syzbot does not
/// report them): an OOM kill and a hard lockup.
///
/// A report kind has a header (a fixed string whose presence in a line starts a report, unless
/// one of the kind's suppressions matches the line), the incident type of a report titled from
/// its header line alone, and title formats tried in order. A format has a title pattern (where
/// the title's evidence starts), optionally a report pattern (the lines that must follow, with
/// what they capture), a format string (%1... the captures, then the frames the stack rule
/// picked), the incident type its titles are, which argument is the guilty function (0: none),
/// and a stack rule: which lines to walk, which frames to skip as infrastructure, and how to
/// pick the guilty one. Patterns are RE2 regular expressions (catalog_regex.h) over one line
/// each, with {{PC}}, {{FUNC}}, {{SRC}} and {{ADDR}} standing for a [<address>], a function name
/// (captured) before its "+0x" or ".", a source "file.c:123" (captured) and a 0x address.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "incidents/catalog_regex.h"
#include "incidents/incident.h"

namespace klogd {

class HeaderFilter;

/// A title is normalized from at most this much text (it keeps 120 bytes of it): a bound on the
/// work a line of junk can cause, far above any real title.
inline constexpr size_t kMaxTitleInput = 2048;

/// Compiles a catalog pattern (placeholders expanded), once per distinct pattern.
Regex catalog_regex(std::string_view pattern, bool icase = false);

/// A compiled catalog pattern and its required literal (required_literal.h): a line without the
/// literal is not searched.
struct Pattern {
  Regex re = {};
  std::string literal = {};
  std::string source = {};  ///< as the catalog writes it
  /// The same match written out by hand, for the hottest pattern (a trace's frame line, read
  /// for every line of every trace); a test holds it to `re` on every corpus line. Null: none.
  bool (*exact)(std::string_view s, RegexMatch* m) = nullptr;
  bool found(std::string_view s) const;
  bool find(std::string_view s, RegexMatch* m) const;
};

/// "^ *(?:{{PC}} ){0,2}{{FUNC}}" by hand: "  [<ffffffff81234567>] vfs_write+0x..", group 1 the
/// name.
bool match_frame_line(std::string_view s, RegexMatch* m);
/// "^ *{{PC}} \(([a-zA-Z0-9_.]+)\) from {{PC}} \({{FUNC}}" by hand: arm's
/// "[<80c1e5e8>] (__schedule) from [<80c1eb20>] (schedule+0x60/0xdc)", groups 1 and 2 the names
/// (every line of an arm trace: the regular expression's captures cost a microsecond each).
bool match_arm_frame_line(std::string_view s, RegexMatch* m);
Pattern catalog_pattern(std::string_view pattern);

/// Lines in order: the first found anywhere in the report, each next one on a later line (or,
/// with `next_line`, on the line right after the previous one).
struct LinePattern {
  Pattern pattern;
  bool next_line = false;
};
using LineSeq = std::vector<LinePattern>;

/// One step of a stack rule: a line pattern (the first line after the position that matches;
/// what it captures is a frame), or "walk the stack trace from here".
struct StackPart {
  Pattern pattern = {};
  bool walk = false;
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
  Regex skip;  ///< this rule's own skip list (empty: none); the common one always applies
  FrameChoice choice = FrameChoice::kFirst;
  /// Whether a frame is infrastructure for this rule: the common list or the rule's own.
  bool skips(std::string_view frame) const;
};

struct TitleFormat {
  LineSeq title = {};
  LineSeq report = {};  ///< empty: the title pattern's captures are used
  std::string fmt = {};
  IncidentType type = IncidentType::kOther;
  unsigned guilty = 0;  ///< the argument (%N) that is the guilty function; 0: none
  std::shared_ptr<const StackRule> stack = {};  ///< null: no frame
  bool no_stack_trace = false;  ///< such reports have no "Call Trace:" (not corrupted for it)
  bool corrupted = false;       ///< a title only a damaged report gives
};

struct ReportKind {
  std::string header = {};
  IncidentType type = IncidentType::kOther;  ///< of a title made from the header line alone
  std::vector<TitleFormat> formats = {};
  std::vector<Pattern> suppressions = {};  ///< a line with the header but one of these is no start
  /// The suppressions as one alternation: a header line is searched once, not once for each
  /// (WARNING: has eleven). Empty: none.
  Regex suppressed = {};
};

/// Builds the catalog (report_kinds() does once; the benchmark times it).
std::vector<ReportKind> build_report_kinds();
/// Every kind, in the order they are tried on a line.
const std::vector<ReportKind>& report_kinds();

/// The kind a line starts (the first in order whose header it holds, not suppressed), or null.
/// Cheap for the lines that start nothing (almost all): see header_filter.h.
const ReportKind* report_start(std::string_view line);

/// False when the line surely holds no header, no "[ cut here ]" and no "====" banner: then,
/// with no report open, it is of no interest. One cheap pass.
bool may_start_report(std::string_view line);
/// The filter report_start and may_start_report ask (header_filter.h), for a caller that asks
/// it of every record and keeps it at hand.
const HeaderFilter& report_header_filter();

/// A line that holds a header but belongs to the report around it (the panic after an oops, a
/// double fault while handling a page fault): it does not end the report in progress.
bool continues_report(std::string_view line);

/// Lines that hold a stack trace without being a crash (a failed allocation's warning, fault
/// injection): inside a report, they mean another report's lines are mixed in. A line that
/// holds one of these texts is one (the detector finds them in its one marker pass).
inline constexpr std::string_view kInfoWithStack[] = {
    "vmalloc: allocation failure:", "FAULT_INJECTION: forcing a failure",
    "FAULT_FLAG_ALLOW_RETRY missing"};

/// The common stack-walking rules (frame lines, where a trace starts, damaged lines, and the
/// prefixes syscall frames lose: SyS_, __x64_sys_, ...).
struct StackParams {
  std::vector<Pattern> stack_start;
  std::vector<Pattern> frame;
  std::vector<Pattern> corrupted_line;
  std::vector<std::string> strip_prefixes;
  Regex stall_anchors;  ///< kStall's entry points
};
const StackParams& stack_params();

/// The frames no title names (reporting, sanitizers, locking, allocation, string and list
/// helpers): the common skip list, compiled once.
const Regex& infrastructure_frames();
/// Whether the common skip list takes this name (its answers kept: names repeat).
bool is_infrastructure(std::string_view name);

/// Every pattern of the formats, suppressions, stack rules and stack parameters: for the
/// property test of required_literal.
std::vector<const Pattern*> catalog_patterns();

}  // namespace klogd
