#include "incidents/guilty_file.h"

#include <optional>

#include "incidents/catalog_regex.h"
#include "util/text.h"

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
  static const Regex re(R"((hardirqs|softirqs)\s+last\s+(enabled|disabled)|,\s+at:\s+|^\s*#\d+:|)"
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
  const bool absolute = !p.empty() && p[0] == '/';
  const std::vector<std::string_view> parts = normal_path_parts(p, absolute);
  std::string out = absolute ? "/" : "";
  for (size_t k = 0; k < parts.size(); ++k) {
    if (k) out += '/';
    out += parts[k];
  }
  return out.empty() ? "." : out;
}

// Go's filepath.Dir: "fs/inode.c" -> "fs", "inode.c" -> ".", "" -> "."
std::string dir_of(const std::string& file) {
  const size_t slash = file.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : clean_path(file.substr(0, slash));
}

// The file a line names, as printed ("./fs/inode.c"), "" when none.
std::string raw_file_on_line(std::string_view line) {
  if (!may_name_file(line)) return {};
  RegexMatch m;
  if (!file_pattern().find(line, &m) || !m.groups[0].data()) return {};
  return std::string(m.groups[0]);
}

// The scan of `lines` from `first` on (the first line from byte `offset`): syzkaller's
// extractGuiltyFileImpl. The ignore rules see the file as printed; the one taken is cleaned;
// when every file is ignored, the first as printed.
std::string scan(const std::vector<std::string>& lines, size_t first, size_t offset) {
  std::string guilty;
  size_t i = first;
  auto text = [&](size_t k) {
    std::string_view l = lines[k];
    return k == first ? l.substr(offset) : l;
  };
  for (; i < lines.size(); ++i) {
    const std::string_view l = text(i);
    const std::string file = raw_file_on_line(l);
    if (file.empty()) continue;
    if (guilty.empty()) guilty = file;
    if (ignored_files().found(file) || ignored_lines().found(l)) continue;
    guilty = clean_path(file);
    ++i;
    break;
  }
  // A later file below the guilty one's folder takes its place (fs/inode.c, then fs/ntfs3/...).
  std::string deepest = dir_of(guilty);
  for (; i < lines.size(); ++i) {
    const std::string_view l = text(i);
    const std::string file = raw_file_on_line(l);
    if (file.empty() || ignored_files().found(file) || ignored_lines().found(l)) continue;
    const std::string clean = clean_path(file);
    if (clean.compare(0, deepest.size(), deepest) == 0 &&
        deeper_rest().found(std::string_view(clean).substr(deepest.size()))) {
      guilty = clean;
      deepest = dir_of(guilty);
    }
  }
  return guilty;
}

}  // namespace

std::string file_on_line(std::string_view line) {
  const std::string raw = raw_file_on_line(line);
  return raw.empty() ? raw : clean_path(raw);
}

std::string guilty_file(const std::vector<std::string>& lines, std::string_view title) {
  if (title.starts_with("INFO: rcu detected stall")) {
    // A stall's own frames are the interrupt that reported it: the stalled code is below it.
    for (std::string_view marker :
         {"apic_timer_interrupt+0x", "el1h_64_irq+0x", "Exception stack"}) {
      for (size_t i = 0; i < lines.size(); ++i) {
        const size_t at = lines[i].find(marker);
        if (at == std::string::npos) continue;
        std::string f = scan(lines, i, at);
        if (!f.empty()) return f;
        break;
      }
    }
  }
  return scan(lines, 0, 0);
}

}  // namespace klogd
