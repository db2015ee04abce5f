#include "incidents/guilty_file.h"

#include <optional>

#include "incidents/catalog_regex.h"

namespace klogd {
namespace {

// syzkaller's guiltyFileIgnores, unanchored at the end as there ('.' is any character).
const Regex& ignored_files() {
  static const Regex re(
      R"(.*\.h|^lib/.*|^virt/lib/.*|^mm/kasan/.*|^mm/kmsan/.*|^kernel/kcov.c|^mm/sl.b.c|)"
      R"(^mm/filemap.c|^mm/folio-compat.c|^mm/truncate.c|^mm/memory.c|^mm/percpu.*|)"
      R"(^mm/vmalloc.c|^mm/page_alloc.c|^mm/mempool.c|^mm/util.c|^kernel/rcu/.*|)"
      R"(^arch/.*/kernel/traps.c|^arch/.*/kernel/unwind.*.c|^arch/.*/mm/fault.c|)"
      R"(^arch/.*/mm/physaddr.c|^arch/.*/kernel/stacktrace.c|^arch/.*/kernel/apic/apic.c|)"
      R"(^arch/arm64/kernel/entry.*.c|^arch/arm64/kernel/process\.c|^kernel/locking/.*|)"
      R"(^kernel/panic.c|^kernel/printk/printk.*.c|^kernel/softirq.c|^kernel/kthread.c|)"
      R"(^kernel/sched/.*.c|^kernel/stacktrace.c|^kernel/time/timer.c|^kernel/workqueue.c|)"
      R"(^net/core/dev.c|^net/core/sock.c|^net/core/skbuff.c|^fs/proc/generic.c|^trusty/|)"
      R"(^drivers/usb/core/urb.c|^arch/.*/lib/crc.*)");
  return re;
}

// syzkaller's guiltyLineIgnore: lockdep's held-lock and irq-state lines, arm's register dumps.
const Regex& ignored_lines() {
  static const Regex re(
      R"((hardirqs|softirqs)\s+last\s+(enabled|disabled)|,\s+at:\s+|^\s*#\d+:|)"
      R"(^Register r\d+ information)");
  return re;
}

const Regex& file_pattern() {
  static const Regex re(R"(([a-zA-Z0-9_\-\./]*[a-zA-Z0-9_\-]+\.(c|h)):[0-9]+)");
  return re;
}

const Regex& deeper_rest() {
  static const Regex re(R"(^/[a-zA-Z0-9_\-\./]+/[a-zA-Z0-9_\-]+\.(c|h)$)");
  return re;
}

// Cheap test first: a line that names a file has ".c:" or ".h:" followed by a digit.
bool may_name_file(std::string_view l) {
  for (size_t p = l.find(':'); p != std::string_view::npos; p = l.find(':', p + 1)) {
    if (p >= 2 && l[p - 2] == '.' && (l[p - 1] == 'c' || l[p - 1] == 'h') && p + 1 < l.size() &&
        l[p + 1] >= '0' && l[p + 1] <= '9')
      return true;
  }
  return false;
}

// Go's filepath.Clean for the relative paths a report prints: "./" and "x/../" gone, "//" one.
std::string clean_path(std::string_view p) {
  std::vector<std::string_view> parts;
  const bool absolute = !p.empty() && p[0] == '/';
  size_t i = 0;
  while (i <= p.size()) {
    size_t j = p.find('/', i);
    if (j == std::string_view::npos) j = p.size();
    std::string_view part = p.substr(i, j - i);
    if (part == "..") {
      if (!parts.empty() && parts.back() != "..")
        parts.pop_back();
      else if (!absolute)
        parts.push_back(part);
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    i = j + 1;
  }
  std::string out = absolute ? "/" : "";
  for (size_t k = 0; k < parts.size(); ++k) {
    if (k) out += '/';
    out += parts[k];
  }
  return out.empty() ? "." : out;
}

std::string dir_of(const std::string& file) {
  size_t slash = file.rfind('/');
  return slash == std::string::npos ? "." : file.substr(0, slash);
}

// The scan from line `from` on: the guilty file, "" when no line names one.
std::string scan(const std::vector<std::string>& lines, size_t from) {
  std::optional<std::string> first_seen;
  std::string guilty;
  for (size_t i = from; i < lines.size(); ++i) {
    const std::string& l = lines[i];
    std::string file = file_on_line(l);
    if (file.empty()) continue;
    if (!first_seen) first_seen = file;
    if (ignored_lines().found(l) || ignored_files().found(file)) continue;
    if (guilty.empty()) {
      guilty = file;
      continue;
    }
    const std::string dir = dir_of(guilty);
    if (file.size() > dir.size() && file.compare(0, dir.size(), dir) == 0 &&
        deeper_rest().found(std::string_view(file).substr(dir.size())))
      guilty = file;
  }
  if (guilty.empty() && first_seen) return *first_seen;
  return guilty;
}

}  // namespace

std::string file_on_line(std::string_view line) {
  if (!may_name_file(line)) return {};
  RegexMatch m;
  if (!file_pattern().find(line, &m) || !m.groups[0].data()) return {};
  return clean_path(m.groups[0]);
}

std::string guilty_file(const std::vector<std::string>& lines, IncidentType type) {
  if (type == IncidentType::kRcuStall) {
    // A stall's own frames are the interrupt that reported it: the stalled code is below it.
    for (std::string_view marker : {"apic_timer_interrupt+0x", "el1h_64_irq+0x", "Exception stack"}) {
      for (size_t i = 0; i < lines.size(); ++i) {
        if (lines[i].find(marker) == std::string::npos) continue;
        std::string f = scan(lines, i);
        if (!f.empty()) return f;
        break;
      }
    }
  }
  return scan(lines, 0);
}

}  // namespace klogd
