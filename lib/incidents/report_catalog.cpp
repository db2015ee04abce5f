#include "incidents/report_catalog.h"

#include <array>
#include <cstdint>
#include <cstring>
#include <initializer_list>

#include "incidents/header_filter.h"
#include "incidents/name_answers.h"
#include "incidents/required_literal.h"
#include "util/text.h"

namespace klogd {
namespace {

const std::string kPc = R"(\[<?(?:0x)?[0-9a-f]+>?\])";
const std::string kFunc = R"(([a-zA-Z0-9_]+)(?:\.|\+))";
const std::string kSrc = R"(([-a-zA-Z0-9_/.]+\.[a-z]+:[0-9]+))";

std::string expand(std::string_view p) {
  std::string s(p);
  auto replace_all = [&](std::string_view what, const std::string& with) {
    for (size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + with.size()))
      s.replace(at, what.size(), with);
  };
  replace_all("{{ADDR}}", "0x[0-9a-f]+");
  replace_all("{{PC}}", kPc);
  replace_all("{{FUNC}}", kFunc);
  replace_all("{{SRC}}", kSrc);
  return s;
}

// The frame the kernel names as where it stopped: x86's "RIP: 0010:f+0x..", "IP: [<..>] f+..",
// arm64's "pc : f+0x..", arm's "PC is at f+0x..", or an address the kernel could not name.
const std::string kRip =
    R"((?:IP|NIP|pc |PC is at):? (?:(?:[0-9]+:)?(?:{{PC}} +){0,2}{{FUNC}}|(?:[0-9]+:)?0x[0-9a-f]+|(?:[0-9]+:)?{{PC}} +\[< *\(null\)>\] +\(null\)|[0-9]+: +\(null\)))";
const std::string kCallTrace = R"((?:Call (?:T|t)race:)|(?:Backtrace:))";

// Frames that are reporting, sanitizer, locking, allocation or library infrastructure: never
// the guilty one.
// (The word lists are kept dense by hand.)
// clang-format off
const char* const kCommonSkip[] = {
    "__sanitizer", "__asan", "kasan", "hwasan", "__msan", "kmsan", "kcsan_setup_watchpoint",
    "check_memory_region", "check_heap_object", "check_object", "read_word_at_a_time",
    "(read|write)_once_.*nocheck", "print_address_description", "panic", "invalid_op",
    "report_bug", "fixup_bug", "print_report", "print_usage_bug", "do_error", "_trap$|do_trap",
    "show_stack", "dump_stack", "walk_stack", "dump_backtrace", "warn_slowpath", "warn_alloc",
    "warn_bogus", "__warn", "alloc_page", "k?v?(?:m|z|c)alloc", "krealloc", "kmem_cache",
    "allocate_slab", "__alloc_frozen_pages_noprof", "folio_(?:alloc|unlock)",
    "filemap_alloc_folio", "__filemap_get_folio", "find_or_create_page", "do_read_cache_folio",
    "read_cache_page", "pagecache_get_page", "grab_cache_page_write_begin", "slab_",
    "debug_object", "timer_is_static_object", "work_is_static_object", "__might_fault",
    "print_unlock", "imbalance_bug", "lockdep", "bh_enable", "bh_disable", "perf_trace",
    "lock_acquire", "lock_release", "lock_class", "mark_lock", "(reacquire|mark)_held_locks",
    "raw_spin_rq", "spin_lock", "spin_trylock", "spin_unlock", "read_lock", "read_trylock",
    "write_lock", "write_trylock", "read_unlock", "write_unlock", "^down$", "down_read",
    "down_write", "down_read_trylock", "down_write_trylock", "down_trylock", "up_read", "up_write",
    "^mutex_", "^__mutex_", "^rt_mutex_", "owner_on_cpu", "osq_lock", "osq_unlock",
    "atomic(64)?_(dec|inc|read|set|or|xor|and|add|sub|fetch|xchg|cmpxchg|try)",
    "(set|clear|change|test)_bit", "__wake_up", "^refcount_", "^kref_", "ref_tracker",
    "seqprop_assert", "memcpy", "memcmp", "memset", "memchr", "memmove", "memdup", "strcmp",
    "strncmp", "strcpy", "strlcpy", "strncpy", "strscpy", "strlen", "strstr", "strnstr",
    "strnlen", "strchr", "strdup", "strndup", "copy_to_user", "copy_from_user", "copy_to_iter",
    "copy_from_iter", "copy_page_to_iter", "copy_page_from_iter", "copy_folio_to_iter",
    "^copyin$", "^copyout$", "put_user", "get_user", "might_fault", "might_sleep", "list_add",
    "list_del", "list_replace", "list_move", "list_splice", "^rb_", "^__rb_", "_indirect_thunk_",
    "string", "pointer", "snprintf", "scnprintf", "kasprintf", "kvasprintf", "printk",
    "va_format", "dev_info", "dev_notice", "dev_warn", "dev_err", "dev_alert", "dev_crit",
    "dev_emerg", "program_check_exception", "program_check_common", "del_timer", "flush_work",
    "__cancel_work_timer", "cancel_work_sync", "try_to_grab_pending", "flush_workqueue",
    "drain_workqueue", "destroy_workqueue", "queue_work", "finish_wait", "kthread_stop",
    "kobject_", "add_uevent_var", "get_device_parent", "device_add", "device_del",
    "device_unregister", "device_destroy", "device_release", "devres_release_all",
    "hwrng_unregister", "i2c_del_adapter", "__unregister_client", "device_for_each_child",
    "rollback_registered", "unregister_netdev", "sysfs_remove", "device_remove_file",
    "tty_unregister_device", "dummy_urb_enqueue", "usb_kill_urb", "usb_kill_anchored_urbs",
    "usb_control_msg", "usb_hcd_submit_urb", "usb_submit_urb", "^complete$",
    "wait_for_completion", "^kv?free$", "kfree_skb", "readb$", "readw$", "readl$", "readq$",
    "writeb$", "writew$", "writel$", "writeq$", "logic_in", "logic_out", "^crc\\d+", "crc_itu_t",
    "__might_resched", "assertfail", "^iput$", "^iput_final$", "^ihold$", "hex_dump_to_buffer",
    "print_hex_dump", "^klist_", "(trace|lockdep)_(hard|soft)irq", "^(un)?lock_page",
    "stack_trace_consume_entry", "arch_stack_walk", "stack_trace_save", "insert_work",
    "__queue_delayed_work", "queue_delayed_work_on", "ida_free", "do_(kernel|translation)_fault",
    "do_mem_abort", "el1_abort", "el1h_64_sync(?:_handler)?", "print_tainted",
    "xas_(?:start|load|find)", "find_lock_entries", "truncate_inode_pages_range", "__phys_addr",
    "__fortify_report", "cleanup_srcu_struct", "rhashtable_lookup", "extract_(user|iter)_to_sg",
    "drop_nlink", "^get_taint$", "^put_device$", "lock_timer_base", "__timer_delete_sync",
    "sk_stop_timer_sync", "__mod_timer", "fast_dput", "dput",
};

// Where a stall's loop is entered: the frame above the first of these names it.
const char* const kStallAnchors[] = {
    "process_one_work", "do_syscall_", "do_fast_syscall_", "sysenter_dispatch",
    "tracesys_phase2", "el0_svc_handler", "invoke_syscall", "ret_fast_syscall",
    "netif_receive_skb", "do_softirq", "call_timer_fn", "_run_timers", "run_timer_softirq",
    "hrtimer_run", "run_ksoftirqd", "smpboot_thread_fn", "^kthread$", "start_secondary",
    "cpu_startup_entry", "ret_from_fork", "vfs_write", "vfs_read", "vfs_iter_read",
    "vfs_iter_write", "do_iter_read", "do_iter_write", "call_read_iter", "call_write_iter",
    "new_sync_read", "new_sync_write", "vfs_ioctl", "ksys_ioctl", "compat_ioctl",
    "compat_sys_ioctl", "blkdev_driver_ioctl", "blkdev_ioctl", "^call_read_iter",
    "^call_write_iter", "do_iter_readv_writev", "^call_mmap", "mmap_region", "do_mmap",
    "do_dentry_open", "vfs_open", "^sock_sendmsg", "^sock_recvmsg", "^sock_release",
    "^__sock_release", "^setsockopt$", "kernel_setsockopt", "sock_common_setsockopt", "^listen$",
    "kernel_listen", "sk_common_release", "^sock_mmap", "^accept$", "kernel_accept",
    "^sock_do_ioctl", "^sock_ioctl", "^compat_sock_ioctl", "^nfnetlink_rcv_msg",
    "^rtnetlink_rcv_msg", "^netlink_dump", "^(sys_)?(socketpair|connect|ioctl)", "__do_fault",
    "do_page_fault", "^page_fault$", "__fput", "task_work_run", "exit_to_usermode",
    "smp_call_function", "tasklet_action", "tasklet_hi_action",
};
// clang-format on

std::string alternation(const char* const* words, size_t n) {
  std::string s;
  for (size_t i = 0; i < n; ++i) {
    if (!s.empty()) s += '|';
    s += words[i];
  }
  return s;
}

std::string common_skip() { return alternation(kCommonSkip, std::size(kCommonSkip)); }

// ---- builders: the table below reads like the rules it holds ----

StackPart part(std::string_view p) { return {.pattern = catalog_pattern(p)}; }
StackPart walk() { return {.walk = true}; }

struct StackSpec {
  std::vector<StackPart> parts;
  std::vector<std::string> skip = {};  ///< this rule's own additions to the common skip list
  FrameChoice choice = FrameChoice::kFirst;
  std::vector<StackPart> parts2 = {};
};

std::shared_ptr<const StackRule> stack(StackSpec spec) {
  auto r = std::make_shared<StackRule>();
  r->parts = std::move(spec.parts);
  r->parts2 = std::move(spec.parts2);
  std::string own;
  for (const std::string& x : spec.skip) own += (own.empty() ? "" : "|") + x;
  if (!own.empty()) r->skip = Regex(own);
  r->choice = spec.choice;
  return r;
}

// RIP, then the call trace.
std::shared_ptr<const StackRule> rip_stack(std::vector<std::string> skip = {},
                                           FrameChoice choice = FrameChoice::kFirst) {
  return stack(
      {.parts = {part(kRip), part(kCallTrace), walk()}, .skip = std::move(skip), .choice = choice});
}
std::shared_ptr<const StackRule> trace_stack(std::vector<std::string> skip = {},
                                             FrameChoice choice = FrameChoice::kFirst) {
  return stack({.parts = {part(kCallTrace), walk()}, .skip = std::move(skip), .choice = choice});
}
// A WARNING: the stack after the trap's RIP (newer kernels) or after "Call Trace:" (older).
std::shared_ptr<const StackRule> warning_stack(std::vector<std::string> skip = {}) {
  return stack({.parts = {part("(?:" + kRip + "|--- interrupt: [0-9]+ at {{FUNC}})"), walk()},
                .skip = std::move(skip),
                .parts2 = {part(kCallTrace), walk()}});
}

LineSeq seq(std::initializer_list<std::string_view> lines) {
  LineSeq s;
  for (std::string_view l : lines) {
    bool next = l.starts_with("\n");
    if (next) l.remove_prefix(1);
    s.push_back({catalog_pattern(l), next});
  }
  return s;
}

// A kind as the table writes it; a suppression in `suppressions_icase` ignores case.
struct K {
  std::string header;
  IncidentType type;
  std::vector<TitleFormat> formats;
  std::vector<std::string_view> suppressions = {};
  std::vector<std::string_view> suppressions_icase = {};
};

ReportKind kind(K k) {
  ReportKind r{.header = std::move(k.header), .type = k.type, .formats = std::move(k.formats)};
  for (std::string_view s : k.suppressions) r.suppressions.push_back(catalog_pattern(s));
  for (std::string_view s : k.suppressions_icase)  // no literal: it may stand in another case
    r.suppressions.push_back({.re = catalog_regex(s, true), .source = std::string(s)});
  std::string any;
  auto alternative = [&](std::string_view s, bool icase) {
    any += any.empty() ? "" : "|";
    any += icase ? "(?i:" : "(?:";
    any += s;
    any += ')';
  };
  for (std::string_view s : k.suppressions) alternative(s, false);
  for (std::string_view s : k.suppressions_icase) alternative(s, true);
  if (!any.empty()) r.suppressed = catalog_regex(any);
  return r;
}

}  // namespace

std::vector<ReportKind> build_report_kinds() {
  // The table in syzkaller's order, laid out by hand: one kind per block, one field per line.
  // clang-format off
  std::vector<ReportKind> k;
  const std::string kasan_in = "BUG: KASAN: (?:[-a-z]+) in {{FUNC}}";
  const std::string free_kinds = "(?:double-free or invalid-free|double-free|invalid-free)";
  const std::string kfence_in = "BUG: KFENCE: (?:[-a-z ]+) in {{FUNC}}";
  const std::string kcsan_text = "BUG: KCSAN: (.* in ([a-zA-Z0-9_]+).*|.*)";
  const std::string kmsan_origin = "(Local variable .* created at:|Uninit was created at:)";

  k.push_back(kind({.header = "BUG:",
       .type = IncidentType::kBug,
       .formats = {
          {.title = seq({"BUG: KASAN:"}),
           .report = seq({"BUG: KASAN: ([-a-z]+) in {{FUNC}}",
                          "(Read|Write) (?:of size|at addr) (?:[0-9a-f]+)"}),
           .fmt = "KASAN: %1 %3 in %4",
           .type = IncidentType::kKasan,
           .guilty = 4,
           .stack = stack({.parts = {part(kasan_in), part(kCallTrace), walk()},
                           .skip = {"kernel_fault", "tag_check", "mem_abort", "^el1_", "^el1h_"}})},
          {.title = seq({"BUG: KASAN:"}),
           .report = seq({"BUG: KASAN: " + free_kinds + " in {{FUNC}}"}),
           .fmt = "KASAN: invalid-free in %2",
           .type = IncidentType::kKasan,
           .guilty = 2,
           .stack = stack({.parts = {part("BUG: KASAN: " + free_kinds + " in {{FUNC}}"),
                                     part(kCallTrace), walk()},
                           .skip = {"slab_", "kfree", "vunmap", "vfree"}})},
          {.title = seq({"BUG: KASAN: ([-a-z]+) on address", "(Read|Write) of size ([0-9]+)"}),
           .fmt = "KASAN: %1 %2",
           .type = IncidentType::kKasan},
          {.title = seq({"BUG: KASAN: (.*)"}),
           .fmt = "KASAN: %1",
           .type = IncidentType::kKasan,
           .corrupted = true},
          {.title = seq({"BUG: KMSAN: kernel-usb-infoleak"}),
           .report = seq({"BUG: KMSAN: kernel-usb-infoleak in {{FUNC}}"}),
           .fmt = "KMSAN: kernel-usb-infoleak in %2",
           .type = IncidentType::kKmsan,
           .guilty = 2,
           .stack = stack({.parts = {walk(), part(kmsan_origin), walk()},
                           .skip = {"alloc_skb", "usb_submit_urb", "usb_start_wait_urb",
                                    "usb_bulk_msg", "usb_interrupt_msg", "usb_control_msg"}}),
           .no_stack_trace = true},
          {.title = seq({"BUG: KMSAN:"}),
           .report = seq({"BUG: KMSAN: ([-a-z]+) in {{FUNC}}"}),
           .fmt = "KMSAN: %1 in %3",
           .type = IncidentType::kKmsan,
           .guilty = 3,
           .stack = stack({.parts = {walk(), part(kmsan_origin), walk()},
                           .skip = {"alloc_skb", "netlink_ack", "netlink_rcv_skb", "_encrypt$",
                                    "^(?:crypto|cipher|drbg|rng)_"}}),
           .no_stack_trace = true},
          // the title is the header's text; its last " in f" names the guilty function
          {.title = seq({"BUG: KCSAN: data-race"}),
           .report = seq({kcsan_text}),
           .fmt = "KCSAN: %1",
           .type = IncidentType::kKcsan,
           .guilty = 2,
           .no_stack_trace = true},
          {.title = seq({"BUG: KCSAN:"}),
           .report = seq({kcsan_text}),
           .fmt = "KCSAN: %1",
           .type = IncidentType::kKcsan,
           .guilty = 2,
           .no_stack_trace = true},
          {.title = seq({"BUG: KFENCE: (use-after-free|out-of-bounds) (read|write) in {{FUNC}}"}),
           .fmt = "KFENCE: %1 %2 in %4",
           .type = IncidentType::kKfence,
           .guilty = 4,
           .stack = stack({.parts = {part(kfence_in), walk()}})},
          {.title = seq({"BUG: KFENCE: invalid free in {{FUNC}}"}),
           .fmt = "KFENCE: invalid free in %2",
           .type = IncidentType::kKfence,
           .guilty = 2,
           .stack = stack({.parts = {part(kfence_in), walk()}}),
           .no_stack_trace = true},
          {.title = seq({"BUG: KFENCE: invalid (read|write) in {{FUNC}}"}),
           .fmt = "KFENCE: invalid %1 in %3",
           .type = IncidentType::kKfence,
           .guilty = 3,
           .stack = stack({.parts = {part(kfence_in), walk()}})},
          {.title = seq({"BUG: KFENCE: memory corruption in {{FUNC}}"}),
           .fmt = "KFENCE: memory corruption in %2",
           .type = IncidentType::kKfence,
           .guilty = 2,
           .stack = stack({.parts = {part(kfence_in), walk()}}),
           .no_stack_trace = true},
          {.title = seq({"BUG: (?:unable to handle kernel paging request|unable to handle page fault for "
                 "address|Unable to handle kernel data access)"}),
           .fmt = "BUG: unable to handle kernel paging request in %1",
           .type = IncidentType::kOops,
           .guilty = 1,
           .stack = rip_stack()},
          {.title = seq({"BUG: (?:unable to handle kernel NULL pointer dereference|kernel NULL pointer "
                 "dereference|Kernel NULL pointer dereference)"}),
           .fmt = "BUG: unable to handle kernel NULL pointer dereference in %1",
           .type = IncidentType::kOops,
           .guilty = 1,
           .stack = rip_stack()},
          {.title = seq({"BUG: (?:unable to handle kernel|Unable to handle kernel)"}),
           .fmt = "BUG: unable to handle kernel",
           .type = IncidentType::kOops,
           .corrupted = true},
          {.title = seq({"BUG: (spinlock|rwlock) (lockup suspected|already unlocked|recursion|cpu "
                 "recursion|bad magic|wrong owner|wrong CPU|trylock failure on UP)"}),
           .fmt = "BUG: %1 %2 in %3",
           .type = IncidentType::kLockdep,
           .guilty = 3,
           .stack = trace_stack({"spin_", "_lock", "_unlock"})},
          {.title = seq({"BUG: soft lockup"}),
           .fmt = "BUG: soft lockup in %1",
           .type = IncidentType::kSoftLockup,
           .guilty = 1,
           .stack = rip_stack({}, FrameChoice::kStall)},
          {.title = seq({"BUG: .*still has locks held!"}),
           .report = seq({"BUG: .*still has locks held!", "{{PC}} +{{FUNC}}"}),
           .fmt = "BUG: still has locks held in %1",
           .type = IncidentType::kLockdep,
           .guilty = 1},
          {.title = seq({"BUG: scheduling while atomic"}),
           .fmt = "BUG: scheduling while atomic in %1",
           .type = IncidentType::kBug,
           .guilty = 1,
           .stack = trace_stack({"schedule"})},
          {.title = seq({"BUG: lock held when returning to user space"}),
           .report = seq({"BUG: lock held when returning to user space",
                          "leaving the kernel with locks still held", "at: (?:{{PC}} +)?{{FUNC}}"}),
           .fmt = "BUG: lock held when returning to user space in %1",
           .type = IncidentType::kLockdep,
           .guilty = 1,
           .no_stack_trace = true},
          {.title = seq({"BUG: bad unlock balance detected!"}),
           .fmt = "BUG: bad unlock balance in %1",
           .type = IncidentType::kLockdep,
           .guilty = 1,
           .stack = stack({.parts = {part("{{PC}} +{{FUNC}}"), part(kCallTrace), walk()}})},
          {.title = seq({"BUG: held lock freed!"}),
           .report = seq({"BUG: held lock freed!", "{{PC}} +{{FUNC}}"}),
           .fmt = "BUG: held lock freed in %1",
           .type = IncidentType::kLockdep,
           .guilty = 1},
          {.title = seq({"BUG: Bad rss-counter state"}),
           .fmt = "BUG: Bad rss-counter state",
           .type = IncidentType::kBug,
           .no_stack_trace = true},
          {.title = seq({"BUG: non-zero nr_ptes on freeing mm"}),
           .fmt = "BUG: non-zero nr_ptes on freeing mm",
           .type = IncidentType::kBug,
           .no_stack_trace = true},
          {.title = seq({"BUG: non-zero nr_pmds on freeing mm"}),
           .fmt = "BUG: non-zero nr_pmds on freeing mm",
           .type = IncidentType::kBug,
           .no_stack_trace = true},
          // The file system type and block device are left out: they only split one bug.
          {.title = seq({"BUG: Dentry .* still in use"}),
           .report = seq({R"(BUG: Dentry .* still in use \([0-9]+\) \[(unmount) of ([^\]]+)\])"}),
           .fmt = "BUG: Dentry still in use in %1",
           .type = IncidentType::kBug},
          {.title = seq({"BUG: Bad page (state|cache)"}),
           .fmt = "BUG: Bad page %1 in %2",
           .type = IncidentType::kBug,
           .guilty = 2,
           .stack = stack({.parts = {part("page last allocated"), walk()},
                           .skip = {"(free|put|get|update|release)_page", "free_unref", "^_*folio",
                                    "truncate_inode_pages", "page_frag_free", "alloc", "vmap", "page_owner"}})},
          {.title = seq({"BUG: Bad page map"}),
           .fmt = "BUG: Bad page map",
           .type = IncidentType::kBug},
          {.title = seq({"BUG: workqueue lockup"}),
           .fmt = "BUG: workqueue lockup",
           .type = IncidentType::kBug,
           .no_stack_trace = true},
          {.title = seq({"BUG: sleeping function called from invalid context at (.*)"}),
           .fmt = "BUG: sleeping function called from invalid context in %2",
           .type = IncidentType::kBug,
           .guilty = 2,
           .stack = trace_stack()},
          {.title = seq({R"(BUG: using ([a-z_]+)\(\) in preemptible)"}),
           .fmt = "BUG: using %1() in preemptible code in %2",
           .type = IncidentType::kBug,
           .guilty = 2,
           .stack = trace_stack( {"dump_stack", "preemption", "preempt", "debug_", "processor_id",
                                  "this_cpu"})},
          {.title = seq({"BUG: workqueue leaked lock or atomic"}),
           .report = seq({"BUG: workqueue leaked lock or atomic",
                          "last function: ([a-zA-Z0-9_]+)$"}),
           .fmt = "BUG: workqueue leaked lock or atomic in %1",
           .type = IncidentType::kBug,
           .guilty = 1,
           .no_stack_trace = true},
          {.title = seq({"BUG: memory leak"}),
           .fmt = "memory leak in %1",
           .type = IncidentType::kLeak,
           .guilty = 1,
           .stack = stack({.parts = {part(R"(backtrace(?: \(crc [0-9a-fA-F]*\))?:)"), walk()},
                           .skip = {"kmemleak", "mmap", "kmem", "slab", "alloc", "create_object",
                                    "idr_get", "list_lru_init", "kasprintf", "kvasprintf", "pcpu_create", "strdup", "strndup", "memdup"}})},
          {.title = seq({"BUG: .*stack guard page was hit at"}),
           .fmt = "BUG: stack guard page was hit in %1",
           .type = IncidentType::kBug,
           .guilty = 1,
           .stack = rip_stack({}, FrameChoice::kStall)},
          // arm's form of x86's "WARNING: ... lockdep.c ... lock_": one title for both.
          {.title = seq({"BUG: Invalid wait context"}),
           .fmt = "WARNING: locking bug in %1",
           .type = IncidentType::kLockdep,
           .guilty = 1,
           .stack = trace_stack({"lock_sock", "release_sock"})},
          {.title = seq({R"(BUG:\s*$)"}),
           .fmt = "BUG: corrupted",
           .type = IncidentType::kBug,
           .corrupted = true},
      },
       .suppressions = {"ODEBUG:", "Boot_DEBUG:", "xlog_status:", "DEBUG:",
                        "BUG: no syscalls can create resource"}}));

  k.push_back(kind({.header = "WARNING:",
       .type = IncidentType::kWarning,
       .formats = {
          {.title = seq({R"(WARNING: .*lib/debugobjects\.c.* (?:debug_print|debug_check|at))"}),
           .fmt = "WARNING: ODEBUG bug in %1",
           .type = IncidentType::kWarning,
           .guilty = 1,
           .stack = warning_stack({"debug_", "rcu", "hrtimer_", "timer_", "work_", "percpu_",
                                   "vunmap", "vfree", "__free_", "debug_check", "kobject_"})},
          {.title = seq({R"(WARNING: .*mm/usercopy\.c.* (?:usercopy_warn|at))"}),
           .fmt = "WARNING: bad usercopy in %1",
           .type = IncidentType::kWarning,
           .guilty = 1,
           .stack = warning_stack({"usercopy", "__check"})},
          {.title = seq({R"(WARNING: .*lib/kobject\.c.* (?:kobject_|at))"}),
           .fmt = "WARNING: kobject bug in %1",
           .type = IncidentType::kWarning,
           .guilty = 1,
           .stack = warning_stack({"kobject_"})},
          {.title = seq({R"(WARNING: .*fs/proc/generic\.c.* (?:proc_register|at))"}),
           .fmt = "WARNING: proc registration bug in %1",
           .type = IncidentType::kWarning,
           .guilty = 1,
           .stack = warning_stack({"proc_"})},
          {.title = seq({R"(WARNING: .*lib/refcount\.c.* (?:refcount_|at))"}),
           .fmt = "WARNING: refcount bug in %1",
           .type = IncidentType::kRefcount,
           .guilty = 1,
           .stack = warning_stack({"refcount", "kobject_"})},
          {.title = seq({R"(WARNING: .*kernel/locking/lockdep\.c.*lock_)"}),
           .fmt = "WARNING: locking bug in %1",
           .type = IncidentType::kLockdep,
           .guilty = 1,
           .stack = warning_stack({"lock_sock", "release_sock"})},
          {.title = seq({"WARNING: .*still has locks held!"}),
           .report = seq({"WARNING: .*still has locks held!", "at: {{FUNC}}"}),
           .fmt = "WARNING: still has locks held in %1",
           .type = IncidentType::kLockdep,
           .guilty = 1},
          {.title = seq({"WARNING: Nested lock was not taken"}),
           .fmt = "WARNING: nested lock was not taken in %1",
           .type = IncidentType::kLockdep,
           .guilty = 1,
           .stack = warning_stack()},
          {.title = seq({"WARNING: lock held when returning to user space"}),
           .report = seq({"WARNING: lock held when returning to user space",
                          "leaving the kernel with locks still held", "at: (?:{{PC}} +)?{{FUNC}}"}),
           .fmt = "WARNING: lock held when returning to user space in %1",
           .type = IncidentType::kLockdep,
           .guilty = 1,
           .no_stack_trace = true},
          {.title = seq({R"(WARNING: .*mm/.*\.c.* k?.?malloc)"}),
           .fmt = "WARNING: kmalloc bug in %1",
           .type = IncidentType::kWarning,
           .guilty = 1,
           .stack = warning_stack({"kmalloc", "krealloc", "slab", "kmem"})},
          {.title = seq({R"(WARNING: .*mm/vmalloc.c.*__vmalloc_node)"}),
           .fmt = "WARNING: zero-size vmalloc in %1",
           .type = IncidentType::kWarning,
           .guilty = 1,
           .stack = warning_stack()},
          {.title = seq({"WARNING: .* usb_submit_urb"}),
           .fmt = "WARNING in %1/usb_submit_urb",
           .type = IncidentType::kWarning,
           .guilty = 1,
           .stack = warning_stack({"usb_submit_urb", "usb_start_wait_urb", "usb_bulk_msg",
                                   "usb_interrupt_msg", "usb_control_msg"})},
          {.title = seq({R"(WARNING: {{SRC}} at 0x\d+, CPU#\d+)"}),
           .fmt = "WARNING in %2",
           .type = IncidentType::kWarning,
           .guilty = 2,
           .stack = warning_stack()},
          {.title = seq({"WARNING: .* at {{SRC}} {{FUNC}}"}),
           .fmt = "WARNING in %3",
           .type = IncidentType::kWarning,
           .guilty = 3,
           .stack = warning_stack()},
          {.title = seq({"WARNING: {{SRC}} at {{FUNC}}"}),
           .fmt = "WARNING in %3",
           .type = IncidentType::kWarning,
           .guilty = 3,
           .stack = warning_stack()},
          {.title = seq({R"(WARNING: \[.*\] {{SRC}} at {{FUNC}}.*)"}),
           .fmt = "WARNING in %3",
           .type = IncidentType::kWarning,
           .guilty = 3,
           .stack = warning_stack()},
          {.title = seq({"WARNING: possible circular locking dependency detected"}),
           .report = seq({"WARNING: possible circular locking dependency detected",
                          "is trying to acquire lock"}),
           .fmt = "possible deadlock in %1",
           .type = IncidentType::kLockdep,
           .guilty = 1,
           .stack = stack({.parts = {part("at: (?:{{PC}} +)?{{FUNC}}"),
                                     part("at: (?:{{PC}} +)?{{FUNC}}"), walk()},
                           .skip = {"process_one_work", "flush_workqueue", "drain_workqueue",
                                    "destroy_workqueue"}})},
          {.title = seq({"WARNING: possible irq lock inversion dependency detected"}),
           .report = seq({"WARNING: possible irq lock inversion dependency detected",
                          "just changed the state of lock", "at: (?:{{PC}} +)?{{FUNC}}"}),
           .fmt = "possible deadlock in %1",
           .type = IncidentType::kLockdep,
           .guilty = 1},
          {.title = seq({"WARNING: .*-safe -> .*-unsafe lock order detected"}),
           .fmt = "possible deadlock in %1",
           .type = IncidentType::kLockdep,
           .guilty = 1,
           .stack = stack({.parts = {part("which became (?:.*) at:"), walk()}})},
          {.title = seq({"WARNING: possible recursive locking detected"}),
           .report = seq({"WARNING: possible recursive locking detected",
                          "is trying to acquire lock", "at: (?:{{PC}} +)?{{FUNC}}"}),
           .fmt = "possible deadlock in %1",
           .type = IncidentType::kLockdep,
           .guilty = 1},
          {.title = seq({"WARNING: inconsistent lock state"}),
           .report = seq({"WARNING: inconsistent lock state", "takes",
                          "at: (?:{{PC}} +)?{{FUNC}}"}),
           .fmt = "inconsistent lock state in %2",
           .type = IncidentType::kLockdep,
           .guilty = 2,
           .stack = trace_stack()},
          {.title = seq({"WARNING: suspicious RCU usage"}),
           .report = seq({"WARNING: suspicious RCU usage", "{{SRC}}"}),
           .fmt = "WARNING: suspicious RCU usage in %2",
           .type = IncidentType::kLockdep,
           .guilty = 2,
           .stack = trace_stack({"rcu", "kmem", "slab"})},
          {.title = seq({"WARNING: kernel stack regs at [0-9a-f]+ in [^ ]* has bad '([^']+)' value"}),
           .fmt = "WARNING: kernel stack regs has bad '%1' value",
           .type = IncidentType::kWarning,
           .no_stack_trace = true},
          {.title = seq({"WARNING: kernel stack frame pointer at [0-9a-f]+ in [^ ]* has bad value"}),
           .fmt = "WARNING: kernel stack frame pointer has bad value",
           .type = IncidentType::kWarning,
           .no_stack_trace = true},
          {.title = seq({"WARNING: bad unlock balance detected!"}),
           .fmt = "WARNING: bad unlock balance in %1",
           .type = IncidentType::kLockdep,
           .guilty = 1,
           .stack = stack({.parts = {part("{{PC}} +{{FUNC}}"), part(kCallTrace), walk()}})},
          {.title = seq({"WARNING: held lock freed!"}),
           .report = seq({"WARNING: held lock freed!", "at:(?: {{PC}})? +{{FUNC}}"}),
           .fmt = "WARNING: held lock freed in %1",
           .type = IncidentType::kLockdep,
           .guilty = 1},
          {.title = seq({"WARNING: kernel stack regs .* has bad 'bp' value"}),
           .fmt = "WARNING: kernel stack regs has bad value",
           .type = IncidentType::kWarning,
           .no_stack_trace = true},
          {.title = seq({"WARNING: kernel stack frame pointer .* has bad value"}),
           .fmt = "WARNING: kernel stack regs has bad value",
           .type = IncidentType::kWarning,
           .no_stack_trace = true},
          {.title = seq({R"(WARNING:\s*$)"}),
           .fmt = "WARNING: corrupted",
           .type = IncidentType::kWarning,
           .corrupted = true},
      },
       .suppressions = {"WARNING: /etc/ssh/moduli does not exist, using fixed modulus",
       "WARNING: workqueue cpumask: online intersect > possible intersect",
       "WARNING: [Tt]he mand mount option",
       R"(WARNING: Unsupported flag value\(s\) of 0x%x in DT_FLAGS_1)",
       "WARNING: Unprivileged eBPF is enabled with eIBRS",
       R"(WARNING: fbcon: Driver '(.*)' missed to adjust virtual screen size)",
       "WARNING: See https.* for mitigation options.", "WARNING: kernel not compiled with CPU_SRSO",
       R"(EXT4-[Ff][Ss](?: \(.*\))?:)", R"(XFS \(\w+\): WARNING)"},
       .suppressions_icase = {"warning: .* uses (deprecated v2 capabilities|wireless extensions)"}}));

  const std::string lockdep_at = "at: {{PC}} +{{FUNC}}";
  k.push_back(kind({.header = "INFO:",
       .type = IncidentType::kOther,
       .formats = {
          {.title = seq({"INFO: possible circular locking dependency detected"}),
           .report = seq({R"(INFO: possible circular locking dependency detected \])",
                          "is trying to acquire lock", lockdep_at}),
           .fmt = "possible deadlock in %1",
           .type = IncidentType::kLockdep,
           .guilty = 1},
          {.title = seq({"INFO: possible irq lock inversion dependency detected"}),
           .report = seq({R"(INFO: possible irq lock inversion dependency detected \])",
                          "just changed the state of lock", lockdep_at}),
           .fmt = "possible deadlock in %1",
           .type = IncidentType::kLockdep,
           .guilty = 1},
          {.title = seq({"INFO: SOFTIRQ-safe -> SOFTIRQ-unsafe lock order detected"}),
           .report = seq({R"(INFO: SOFTIRQ-safe -> SOFTIRQ-unsafe lock order detected \])",
                          "is trying to acquire", lockdep_at}),
           .fmt = "possible deadlock in %1",
           .type = IncidentType::kLockdep,
           .guilty = 1},
          {.title = seq({"INFO: possible recursive locking detected"}),
           .report = seq({R"(INFO: possible recursive locking detected \])",
                          "is trying to acquire lock", lockdep_at}),
           .fmt = "possible deadlock in %1",
           .type = IncidentType::kLockdep,
           .guilty = 1},
          {.title = seq({"INFO: inconsistent lock state"}),
           .report = seq({R"(INFO: inconsistent lock state \])", "takes", lockdep_at}),
           .fmt = "inconsistent lock state in %1",
           .type = IncidentType::kLockdep,
           .guilty = 1},
          {.title = seq({"INFO: rcu_(?:preempt|sched|bh) (?:self-)?detected(?: expedited)? stall"}),
           .fmt = "INFO: rcu detected stall in %1",
           .type = IncidentType::kRcuStall,
           .guilty = 1,
           .stack = stack({.parts = {part("apic_timer_interrupt"), part(kRip), walk()},
                           .skip = {"apic_timer_interrupt", "rcu"},
                           .choice = FrameChoice::kStall,
                           .parts2 = {part("(?:apic_timer_interrupt|Exception stack|el1h_64_irq)"),
                                      walk()}})},
          {.title = seq({"INFO: trying to register non-static key"}),
           .fmt = "INFO: trying to register non-static key in %1",
           .type = IncidentType::kLockdep,
           .guilty = 1,
           .stack = trace_stack({"stack", "lock", "IRQ"})},
          {.title = seq({"INFO: suspicious RCU usage"}),
           .report = seq({"INFO: suspicious RCU usage", "{{SRC}}"}),
           .fmt = "INFO: suspicious RCU usage in %2",
           .type = IncidentType::kLockdep,
           .guilty = 2,
           .stack = trace_stack({"rcu", "kmem", "slab"})},
          {.title = seq({"INFO: task .* blocked (?:in I/O wait )?for more than [0-9]+ seconds"}),
           .fmt = "INFO: task hung in %1",
           .type = IncidentType::kHungTask,
           .guilty = 1,
           .stack = trace_stack({}, FrameChoice::kHang)},
          {.title = seq({"INFO: task .* can't die for more than .* seconds"}),
           .fmt = "INFO: task can't die in %1",
           .type = IncidentType::kHungTask,
           .guilty = 1,
           .stack = trace_stack({"schedule"})},
          // an old-style KASAN report that lost its header
          {.title = seq({"INFO: (Freed|Allocated) in (.*)"}),
           .fmt = "INFO: %1 in %2",
           .type = IncidentType::kOther,
           .guilty = 2,
           .corrupted = true},
          {.title = seq({R"(INFO:\s*$)"}),
           .fmt = "INFO: corrupted",
           .type = IncidentType::kOther,
           .corrupted = true},
      },
       .suppressions = {"INFO: lockdep is turned off", "INFO: Stall ended before state dump start",
       "INFO: NMI handler", "INFO: recovery required on readonly filesystem",
       "(handler|interrupt).*took too long", "INFO: sys_.* is not present in /proc/kallsyms",
       "INFO: no syscalls can create resource", "rmt_storage:INFO:", "_INFO:"}}));

  k.push_back(kind({.header = "Unable to handle kernel",
       .type = IncidentType::kOops,
       .formats = {
          {.title = seq({"Unable to handle kernel (paging request|NULL pointer dereference|access "
                 "to user memory)"}),
           .fmt = "BUG: unable to handle kernel %1 in %2",
           .type = IncidentType::kOops,
           .guilty = 2,
           .stack = rip_stack()},
      }}));
  k.push_back(kind({.header = "general protection fault",
       .type = IncidentType::kOops,
       .formats = {
          {.title = seq({"general protection fault.*:"}),
           .fmt = "general protection fault in %1",
           .type = IncidentType::kOops,
           .guilty = 1,
           .stack = rip_stack()},
      },
       .suppressions = {R"(general protection fault .* error:\d+ in )"}}));
  k.push_back(kind({.header = "stack segment: ",
       .type = IncidentType::kOops,
       .formats = {
          {.title = seq({"stack segment: "}),
           .fmt = "stack segment fault in %1",
           .type = IncidentType::kOops,
           .guilty = 1,
           .stack = rip_stack()},
      }}));
  k.push_back(kind({.header = "Kernel panic",
       .type = IncidentType::kPanic,
       .formats = {
          {.title = seq({"Kernel panic - not syncing: stack-protector:"}),
           .report = seq({"Kernel panic - not syncing: stack-protector: Kernel stack is corrupted in: "
                 "{{FUNC}}"}),
           .fmt = "kernel panic: stack is corrupted in %1",
           .type = IncidentType::kPanic,
           .guilty = 1,
           .no_stack_trace = true},
          {.title = seq({"Kernel panic - not syncing: stack-protector:"}),
           .report = seq({"Kernel panic - not syncing: stack-protector: Kernel stack is corrupted in: "
                 "[a-f0-9]+"}),
           .fmt = "kernel panic: stack is corrupted in %1",
           .type = IncidentType::kPanic,
           .guilty = 1,
           .stack = trace_stack({"stack_chk"})},
          {.title = seq({"Kernel panic - not syncing: corrupted stack end"}),
           .report = seq({"Kernel panic - not syncing: corrupted stack end detected inside scheduler"}),
           .fmt = "kernel panic: corrupted stack end in %1",
           .type = IncidentType::kPanic,
           .guilty = 1,
           .stack = trace_stack({"schedule", "retint_kernel"}, FrameChoice::kStall)},
          {.title = seq({"Kernel panic - not syncing: kernel stack overflow"}),
           .fmt = "kernel stack overflow in %1",
           .type = IncidentType::kPanic,
           .guilty = 1,
           .stack = trace_stack({"bad_stack"}, FrameChoice::kStall)},
          {.title = seq({"Kernel panic - not syncing: Attempted to kill init!"}),
           .fmt = "kernel panic: Attempted to kill init!",
           .type = IncidentType::kPanic},
          {.title = seq({"Kernel panic - not syncing: Couldn't open N_TTY ldisc for [^ ]+ --- error "
                 "-[0-9]+"}),
           .fmt = "kernel panic: Couldn't open N_TTY ldisc",
           .type = IncidentType::kPanic},
          // A panic seen without the report that caused it: the report was lost.
          {.title = seq({"Kernel panic - not syncing: Fatal exception"}),
           .fmt = "kernel panic: Fatal exception",
           .type = IncidentType::kPanic,
           .corrupted = true},
          {.title = seq({"Kernel panic - not syncing: panic_on_warn set"}),
           .fmt = "kernel panic: panic_on_warn set",
           .type = IncidentType::kPanic,
           .corrupted = true},
          {.title = seq({"Kernel panic - not syncing: hung_task: blocked tasks"}),
           .fmt = "kernel panic: hung_task: blocked tasks",
           .type = IncidentType::kPanic,
           .corrupted = true},
          {.title = seq({"Kernel panic - not syncing: (.*)"}),
           .fmt = "kernel panic: %1",
           .type = IncidentType::kPanic},
      }}));
  k.push_back(kind({.header = "PANIC: double fault",
       .type = IncidentType::kOops,
       .formats = {
          {.title = seq({"PANIC: double fault"}),
           .fmt = "PANIC: double fault in %1",
           .type = IncidentType::kOops,
           .guilty = 1,
           .stack = stack({.parts = {part(kRip)}})},
      }}));
  k.push_back(kind({.header = "rust_kernel: panicked",
       .type = IncidentType::kBug,
       .formats = {
          {.title = seq({"rust_kernel: panicked"}),
           .report = seq({"rust_kernel: panicked at ", "\n(.+)"}),
           .fmt = "%1 in %2",
           .type = IncidentType::kBug,
           .guilty = 2,
           .stack = trace_stack({R"(__rustc::rust_begin_unwind)"})},
      }}));
  k.push_back(kind({.header = "kernel BUG",
       .type = IncidentType::kBug,
       .formats = {
          {.title = seq({"kernel BUG at mm/usercopy.c"}),
           .fmt = "BUG: bad usercopy in %1",
           .type = IncidentType::kBug,
           .guilty = 1,
           .stack = trace_stack({"usercopy", "__check"})},
          {.title = seq({"kernel BUG at lib/list_debug.c"}),
           .fmt = "BUG: corrupted list in %1",
           .type = IncidentType::kBug,
           .guilty = 1,
           .stack = trace_stack()},
          // BUG_ON in skb helpers: the caller is at fault
          {.title = seq({"kernel BUG at (.*)"}),
           .fmt = "kernel BUG in %2",
           .type = IncidentType::kBug,
           .guilty = 2,
           .stack = rip_stack({"^skb_"})},
      }}));
  k.push_back(kind({.header = "Kernel BUG",
       .type = IncidentType::kBug,
       .formats = {
          {.title = seq({"Kernel BUG (.*)"}),
           .fmt = "kernel BUG %1",
           .type = IncidentType::kBug},
      }}));
  k.push_back(kind({.header = "BUG kmalloc-",
       .type = IncidentType::kBug,
       .formats = {
          {.title = seq({"BUG kmalloc-.*: Object already free"}),
           .fmt = "BUG: Object already free",
           .type = IncidentType::kBug},
      }}));
  k.push_back(kind({.header = "divide error:",
       .type = IncidentType::kOops,
       .formats = {
          {.title = seq({"divide error: "}),
           .fmt = "divide error in %1",
           .type = IncidentType::kOops,
           .guilty = 1,
           .stack = stack({.parts = {part(kRip)}})},
      }}));
  // the kernel's own spelling since 5.9 ("x86/entry: Convert Divide Error to IDTENTRY")
  k.push_back(kind({.header = "divide_error:",
       .type = IncidentType::kOops,
       .formats = {
          {.title = seq({"divide_error: "}),
           .fmt = "divide error in %1",
           .type = IncidentType::kOops,
           .guilty = 1,
           .stack = stack({.parts = {part(kRip)}})},
      }}));
  k.push_back(kind({.header = "invalid opcode:",
       .type = IncidentType::kOops,
       .formats = {
          {.title = seq({"invalid opcode: "}),
           .fmt = "invalid opcode in %1",
           .type = IncidentType::kOops,
           .guilty = 1,
           .stack = stack({.parts = {part(kRip)}})},
      }}));
  k.push_back(kind({.header = "UBSAN:",
       .type = IncidentType::kUbsan,
       .formats = {
          {.title = seq({"UBSAN:"}),
           .report = seq({"UBSAN: Undefined behaviour in"}),
           .fmt = "UBSAN: undefined-behaviour in %1",
           .type = IncidentType::kUbsan,
           .guilty = 1,
           .stack = trace_stack({"ubsan", "overflow"})},
          {.title = seq({"UBSAN: array-index-out-of-bounds in"}),
           .fmt = "UBSAN: array-index-out-of-bounds in %1",
           .type = IncidentType::kUbsan,
           .guilty = 1,
           .stack = trace_stack({"ubsan", "overflow"})},
          {.title = seq({"UBSAN:"}),
           .report = seq({"UBSAN: (.*?) in"}),
           .fmt = "UBSAN: %1 in %2",
           .type = IncidentType::kUbsan,
           .guilty = 2,
           .stack = trace_stack({"ubsan", "overflow"})},
      }}));
  k.push_back(kind({.header = "Booting the kernel.",
       .type = IncidentType::kOther,
       .formats = {
          {.title = seq({"^Booting the kernel"}),
           .fmt = "unexpected kernel reboot",
           .type = IncidentType::kOther,
           .no_stack_trace = true},
      },
       .suppressions = {"Parsing ELF|Decompressing Linux|Unknown parameter '"}}));
  k.push_back(kind({.header = "unregister_netdevice: waiting for",
       .type = IncidentType::kBug,
       .formats = {
          {.title = seq({"unregister_netdevice: waiting for (?:.*) to become free"}),
           .fmt = "unregister_netdevice: waiting for DEV to become free",
           .type = IncidentType::kBug,
           .no_stack_trace = true},
      }}));
  k.push_back(kind({.header = "VFS: Close: file count is 0",
       .type = IncidentType::kBug,
       .formats = {
          {.title = seq({"VFS: Close: file count is 0"}),
           .fmt = "VFS: Close: file count is zero (use-after-free)",
           .type = IncidentType::kBug,
           .no_stack_trace = true},
      }}));
  k.push_back(kind({.header = "VFS: Busy inodes after unmount",
       .type = IncidentType::kBug,
       .formats = {
          {.title = seq({"VFS: Busy inodes after unmount"}),
           .fmt = "VFS: Busy inodes after unmount (use-after-free)",
           .type = IncidentType::kBug,
           .no_stack_trace = true},
      }}));
  k.push_back(kind({.header = "Internal error:",
       .type = IncidentType::kOops,
       .formats = {
          {.title = seq({"Internal error:"}),
           .fmt = "Internal error in %1",
           .type = IncidentType::kOops,
           .guilty = 1,
           .stack = rip_stack()},
      }}));
  k.push_back(kind({.header = "Unhandled fault:",
       .type = IncidentType::kOops,
       .formats = {
          {.title = seq({"Unhandled fault:"}),
           .fmt = "Unhandled fault in %1",
           .type = IncidentType::kOops,
           .guilty = 1,
           .stack = rip_stack()},
      }}));
  k.push_back(kind({.header = "Alignment trap:",
       .type = IncidentType::kOops,
       .formats = {
          {.title = seq({"Alignment trap:"}),
           .fmt = "Alignment trap in %1",
           .type = IncidentType::kOops,
           .guilty = 1,
           .stack = rip_stack()},
      }}));
  k.push_back(kind({.header = "trusty: panic",
       .type = IncidentType::kOther,
       .formats = {
          {.title = seq({"trusty: panic.* ASSERT FAILED"}),
           .report = seq({R"(trusty: panic \(.*?\):(?: DEBUG)? ASSERT FAILED at \(.*?\): (.+))"}),
           .fmt = "trusty: ASSERT FAILED: %1",
           .type = IncidentType::kOther,
           .no_stack_trace = true},
          {.title = seq({"trusty: panic.* ASSERT FAILED.*: *(.*)"}),
           .fmt = "trusty: ASSERT FAILED: %1",
           .type = IncidentType::kOther,
           .corrupted = true},
          {.title = seq({"trusty: panic"}),
           .report = seq({R"(trusty: panic \(.*?\): (.+))"}),
           .fmt = "trusty: panic: %1",
           .type = IncidentType::kOther,
           .no_stack_trace = true},
      }}));
  k.push_back(kind({.header = "fatal error:",
       .type = IncidentType::kOther,
       .formats = {
          {.title = seq({"fatal error:"}),
           .fmt = "go runtime error",
           .type = IncidentType::kOther,
           .no_stack_trace = true},
      },
       .suppressions = {"ALSA", "fatal error: cannot create timer"}}));
  // klogd's own: an OOM kill (the report starts where the allocator gives up) and a hard
  // lockup. syzbot files neither; fleets count both.
  k.push_back(kind({.header = "invoked oom-killer:",
       .type = IncidentType::kOom,
       .formats = {
          {.title = seq({"invoked oom-killer:"}),
           .report = seq({"invoked oom-killer:",
                          R"(((?:Memory cgroup o|O)ut of memory): Killed process [0-9]+ \(([^)]*)\))"}),
           .fmt = "%1: Killed process %2",
           .type = IncidentType::kOom,
           .no_stack_trace = true},
          {.title = seq({"invoked oom-killer:"}),
           .fmt = "out of memory",
           .type = IncidentType::kOom,
           .no_stack_trace = true,
           .corrupted = true},
      }}));
  k.push_back(kind({.header = "ut of memory: Killed process",
       .type = IncidentType::kOom,
       .formats = {
          {.title = seq({R"(((?:Memory cgroup o|O)ut of memory): Killed process [0-9]+ \(([^)]*)\))"}),
           .fmt = "%1: Killed process %2",
           .type = IncidentType::kOom,
           .no_stack_trace = true},
      }}));
  k.push_back(kind({.header = "Watchdog detected hard LOCKUP",
       .type = IncidentType::kHardLockup,
       .formats = {
          {.title = seq({"Watchdog detected hard LOCKUP"}),
           .fmt = "hard lockup in %1",
           .type = IncidentType::kHardLockup,
           .guilty = 1,
           .stack = rip_stack({}, FrameChoice::kFirst)},
      }}));
  // syzkaller's own programs' failures, and Go panics
  k.push_back(kind({.header = "SYZFAIL:",
       .type = IncidentType::kOther,
       .formats = {
          {.title = seq({"SYZFAIL:(.*)"}),
           .fmt = "SYZFAIL:%1",
           .type = IncidentType::kOther,
           .no_stack_trace = true},
      }}));
  k.push_back(kind({.header = "SYZFATAL:",
       .type = IncidentType::kOther,
       .formats = {
          {.title = seq({"SYZFATAL:(.*)"}),
           .fmt = "SYZFATAL:%1",
           .type = IncidentType::kOther,
           .no_stack_trace = true},
      }}));
  k.push_back(kind({.header = "panic:",
       .type = IncidentType::kOther,
       .formats = {
          {.title = seq({"panic: Sentry detected .* stuck task"}),
           .fmt = "panic: Sentry detected stuck tasks",
           .type = IncidentType::kOther,
           .no_stack_trace = true},
          {.title = seq({"panic:(.*)"}),
           .fmt = "panic:%1",
           .type = IncidentType::kOther,
           .no_stack_trace = true},
      },
       .suppressions = {"_panic:", "xlog_status:", R"(ddb\.onpanic:)", "evtlog_status:"}}));
  return k;
  // clang-format on
}

namespace {

const HeaderFilter& header_filter() {
  static const HeaderFilter filter(report_kinds());
  return filter;
}

}  // namespace

Regex catalog_regex(std::string_view pattern, bool icase) { return Regex(expand(pattern), icase); }

bool Pattern::found(std::string_view s) const {
  if (!literal.empty() && find_literal(s, literal) == std::string_view::npos) return false;
  if (exact) {
    RegexMatch m;
    return exact(s, &m);
  }
  return re.found(s);
}

bool Pattern::find(std::string_view s, RegexMatch* m) const {
  if (!literal.empty() && find_literal(s, literal) == std::string_view::npos) return false;
  return exact ? exact(s, m) : re.find(s, m);
}

namespace {

// A byte of a function's name as {{FUNC}} takes it.
bool name_byte(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// "[<ffff...>]" (kPc) at s[*i]; *i then past it.
bool skip_pc(std::string_view s, size_t* i) {
  auto hex = [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); };
  size_t j = *i;
  if (j >= s.size() || s[j] != '[') return false;
  ++j;
  if (j < s.size() && s[j] == '<') ++j;
  if (s.substr(j, 2) == "0x" && j + 2 < s.size() && hex(s[j + 2])) j += 2;
  const size_t digits = j;
  while (j < s.size() && hex(s[j])) ++j;
  if (j == digits) return false;
  if (j < s.size() && s[j] == '>') ++j;
  if (j >= s.size() || s[j] != ']') return false;
  *i = j + 1;
  return true;
}

}  // namespace

bool match_arm_frame_line(std::string_view s, RegexMatch* m) {
  size_t i = 0;
  while (i < s.size() && s[i] == ' ') ++i;
  if (!skip_pc(s, &i) || s.substr(i, 2) != " (") return false;
  i += 2;
  const size_t first = i;
  while (i < s.size() && (name_byte(s[i]) || s[i] == '.')) ++i;
  if (i == first || s.substr(i, 7) != ") from ") return false;
  const size_t first_end = i;
  i += 7;
  if (!skip_pc(s, &i) || s.substr(i, 2) != " (") return false;
  i += 2;
  const size_t second = i;
  while (i < s.size() && name_byte(s[i])) ++i;
  if (i == second || i >= s.size() || (s[i] != '.' && s[i] != '+')) return false;
  m->position = 0;
  m->groups.assign({s.substr(first, first_end - first), s.substr(second, i - second)});
  return true;
}

bool match_frame_line(std::string_view s, RegexMatch* m) {
  size_t i = 0;
  while (i < s.size() && s[i] == ' ') ++i;
  // at most two "[<ffff...>] ": a PC that is not whole leaves a '[' where the name must be
  for (int pcs = 0; pcs < 2 && i < s.size() && s[i] == '['; ++pcs) {
    if (!skip_pc(s, &i) || i >= s.size() || s[i] != ' ') return false;
    ++i;
  }
  const size_t start = i;
  while (i < s.size() && name_byte(s[i])) ++i;
  if (i == start || i >= s.size() || (s[i] != '.' && s[i] != '+')) return false;
  m->position = 0;
  m->groups.assign(1, s.substr(start, i - start));
  return true;
}

bool is_infrastructure(std::string_view name) {
  // The same few hundred names come again and again (vfs_write, do_syscall_64, ...): the
  // answers are kept, per thread (name_answers.h).
  thread_local NameAnswers known;
  return known.get(nullptr, name,
                   [](std::string_view n) { return infrastructure_frames().found(n); });
}

bool StackRule::skips(std::string_view frame) const {
  if (is_infrastructure(frame)) return true;
  if (skip.empty()) return false;
  // by the rule's pattern (each distinct pattern is compiled once and kept: catalog_regex.h)
  thread_local NameAnswers known;
  return known.get(&skip.pattern(), frame, [this](std::string_view n) { return skip.found(n); });
}

Pattern catalog_pattern(std::string_view pattern) {
  return {.re = catalog_regex(pattern),
          .literal = required_literal(pattern),
          .source = std::string(pattern)};
}

std::vector<const Pattern*> catalog_patterns() {
  std::vector<const Pattern*> out;
  auto parts = [&](const std::vector<StackPart>& ps) {
    for (const StackPart& p : ps)
      if (!p.walk) out.push_back(&p.pattern);
  };
  for (const ReportKind& k : report_kinds()) {
    for (const Pattern& p : k.suppressions) out.push_back(&p);
    for (const TitleFormat& f : k.formats) {
      for (const LinePattern& l : f.title) out.push_back(&l.pattern);
      for (const LinePattern& l : f.report) out.push_back(&l.pattern);
      if (f.stack) {
        parts(f.stack->parts);
        parts(f.stack->parts2);
      }
    }
  }
  const StackParams& sp = stack_params();
  for (const auto* v : {&sp.stack_start, &sp.frame, &sp.corrupted_line})
    for (const Pattern& p : *v) out.push_back(&p);
  return out;
}

const std::vector<ReportKind>& report_kinds() {
  static const std::vector<ReportKind> kinds = build_report_kinds();
  return kinds;
}

const ReportKind* report_start(std::string_view line) { return header_filter().first(line); }

bool may_start_report(std::string_view line) { return header_filter().maybe(line); }

const HeaderFilter& report_header_filter() { return header_filter(); }

bool continues_report(std::string_view line) {
  for (std::string_view s :
       {"invalid opcode: 0000", "Kernel panic - not syncing", "unregister_netdevice: waiting for",
        "PANIC: double fault", "Internal error:", "ut of memory: Killed process"})
    if (line.find(s) != std::string_view::npos) return true;
  return false;
}

const Regex& infrastructure_frames() {
  static const Regex re(common_skip());
  return re;
}

const StackParams& stack_params() {
  static const StackParams p = [] {
    StackParams s;
    for (const char* r : {"Call (?:T|t)race", "Allocated:", "Allocated by task [0-9]+:", "Freed:",
                          "Freed by task [0-9]+:", R"([^k] backtrace(?: \(crc [0-9a-fA-F]*\))?:)",
                          "Backtrace:", "Uninit was stored to memory at",
                          "status: [0-9a-f]{16} badaddr: [0-9a-f]{16} cause: [0-9a-f]{16}"})
      s.stack_start.push_back(catalog_pattern(r));
    s.frame.push_back(catalog_pattern("^ *(?:{{PC}} ){0,2}{{FUNC}}"));
    s.frame.back().exact = match_frame_line;
    // arm: "[<c0123456>] (f) from [<c0123457>] (g+0x..)": both frames
    s.frame.push_back(catalog_pattern(R"(^ *{{PC}} \(([a-zA-Z0-9_.]+)\) from {{PC}} \({{FUNC}})"));
    s.frame.back().exact = match_arm_frame_line;
    s.corrupted_line.push_back(
        catalog_pattern(R"(^( \[<?(?:0x)?[0-9a-f]+>?\])? should_fail(slab)?(\.[a-z0-9.]+)?\+0x)"));
    s.strip_prefixes = {"SYSC_",     "SyS_",      "sys_",         "__x64_",      "__ia32_",
                        "__arm64_",  "____sys_",  "___sys_",      "__sys_",      "__se_",
                        "__se_sys_", "__do_sys_", "compat_SYSC_", "compat_SyS_", "ksys_"};
    s.stall_anchors = Regex(alternation(kStallAnchors, std::size(kStallAnchors)));
    return s;
  }();
  return p;
}

}  // namespace klogd
