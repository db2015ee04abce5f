#include "incidents/report_catalog.h"

#include <array>
#include <cstdint>
#include <cstring>
#include <initializer_list>

// The table below gives each format only the fields it uses.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

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

std::string common_skip() {
  std::string s;
  for (const char* p : kCommonSkip) {
    if (!s.empty()) s += '|';
    s += p;
  }
  return s;
}

// ---- builders: the table below reads like the rules it holds ----

StackPart part(std::string_view p) { return {catalog_regex(p), false, required_literal(p)}; }
StackPart walk() { return {std::regex(), true}; }

std::shared_ptr<const StackRule> stack(std::vector<StackPart> parts,
                                       std::vector<std::string> skip = {},
                                       FrameChoice choice = FrameChoice::kFirst,
                                       std::vector<StackPart> parts2 = {}) {
  auto r = std::make_shared<StackRule>();
  r->parts = std::move(parts);
  r->parts2 = std::move(parts2);
  std::string s = common_skip();
  for (const std::string& x : skip) s += "|" + x;
  r->skip = std::regex(s, std::regex::ECMAScript | std::regex::optimize);
  r->choice = choice;
  return r;
}

// RIP, then the call trace.
std::shared_ptr<const StackRule> rip_stack(std::vector<std::string> skip = {},
                                           FrameChoice choice = FrameChoice::kFirst) {
  return stack({part(kRip), part(kCallTrace), walk()}, std::move(skip), choice);
}
std::shared_ptr<const StackRule> trace_stack(std::vector<std::string> skip = {},
                                             FrameChoice choice = FrameChoice::kFirst) {
  return stack({part(kCallTrace), walk()}, std::move(skip), choice);
}
// A WARNING: the stack after the trap's RIP (newer kernels) or after "Call Trace:" (older).
std::shared_ptr<const StackRule> warning_stack(std::vector<std::string> skip = {}) {
  return stack({part("(?:" + kRip + "|--- interrupt: [0-9]+ at {{FUNC}})"), walk()},
               std::move(skip), FrameChoice::kFirst, {part(kCallTrace), walk()});
}

LineSeq seq(std::initializer_list<std::string_view> lines) {
  LineSeq s;
  for (std::string_view l : lines) {
    bool next = l.starts_with("\n");
    if (next) l.remove_prefix(1);
    s.push_back({catalog_regex(l), next, required_literal(l)});
  }
  return s;
}

struct F {
  LineSeq title;
  LineSeq report;
  std::string fmt;
  std::shared_ptr<const StackRule> stack;
  bool no_stack_trace = false;
  bool corrupted = false;
};

TitleFormat make(F f) {
  return {std::move(f.title), std::move(f.report), std::move(f.fmt),
          std::move(f.stack), f.no_stack_trace,    f.corrupted};
}

ReportKind kind(std::string header, std::vector<F> formats,
                std::initializer_list<std::string_view> suppressions = {},
                bool icase_last = false) {
  ReportKind k;
  k.header = std::move(header);
  for (F& f : formats) k.formats.push_back(make(std::move(f)));
  size_t i = 0;
  for (std::string_view s : suppressions) {
    ++i;
    k.suppressions.push_back(catalog_regex(s, icase_last && i == suppressions.size()));
  }
  return k;
}

}  // namespace

std::vector<ReportKind> build_report_kinds() {
  // The table in syzkaller's order, laid out by hand: one kind per block.
  // clang-format off
  std::vector<ReportKind> k;
  const std::string kasan_in = "BUG: KASAN: (?:[-a-z]+) in {{FUNC}}";
  const std::string free_kinds = "(?:double-free or invalid-free|double-free|invalid-free)";
  const std::string kfence_in = "BUG: KFENCE: (?:[-a-z ]+) in {{FUNC}}";
  const std::string kmsan_origin = "(Local variable .* created at:|Uninit was created at:)";

  k.push_back(kind(
      "BUG:",
      {
          {seq({"BUG: KASAN:"}),
           seq({"BUG: KASAN: ([-a-z]+) in {{FUNC}}",
                "(Read|Write) (?:of size|at addr) (?:[0-9a-f]+)"}),
           "KASAN: %1 %3 in %4",
           stack({part(kasan_in), part(kCallTrace), walk()},
                 {"kernel_fault", "tag_check", "mem_abort", "^el1_", "^el1h_"})},
          {seq({"BUG: KASAN:"}), seq({"BUG: KASAN: " + free_kinds + " in {{FUNC}}"}),
           "KASAN: invalid-free in %2",
           stack({part("BUG: KASAN: " + free_kinds + " in {{FUNC}}"), part(kCallTrace), walk()},
                 {"slab_", "kfree", "vunmap", "vfree"})},
          {seq({"BUG: KASAN: ([-a-z]+) on address", "(Read|Write) of size ([0-9]+)"}),
           {},
           "KASAN: %1 %2"},
          {seq({"BUG: KASAN: (.*)"}), {}, "KASAN: %1", nullptr, false, true},
          {seq({"BUG: KMSAN: kernel-usb-infoleak"}),
           seq({"BUG: KMSAN: kernel-usb-infoleak in {{FUNC}}"}),
           "KMSAN: kernel-usb-infoleak in %2",
           stack({walk(), part(kmsan_origin), walk()},
                 {"alloc_skb", "usb_submit_urb", "usb_start_wait_urb", "usb_bulk_msg",
                  "usb_interrupt_msg", "usb_control_msg"}),
           true},
          {seq({"BUG: KMSAN:"}), seq({"BUG: KMSAN: ([-a-z]+) in {{FUNC}}"}), "KMSAN: %1 in %3",
           stack({walk(), part(kmsan_origin), walk()},
                 {"alloc_skb", "netlink_ack", "netlink_rcv_skb", "_encrypt$",
                  "^(?:crypto|cipher|drbg|rng)_"}),
           true},
          {seq({"BUG: KCSAN: data-race"}), seq({"BUG: KCSAN: (.*)"}), "KCSAN: %1", nullptr, true},
          {seq({"BUG: KCSAN:"}), seq({"BUG: KCSAN: (.*)"}), "KCSAN: %1", nullptr, true},
          {seq({"BUG: KFENCE: (use-after-free|out-of-bounds) (read|write) in {{FUNC}}"}),
           {},
           "KFENCE: %1 %2 in %4",
           stack({part(kfence_in), walk()})},
          {seq({"BUG: KFENCE: invalid free in {{FUNC}}"}), {}, "KFENCE: invalid free in %2",
           stack({part(kfence_in), walk()}), true},
          {seq({"BUG: KFENCE: invalid (read|write) in {{FUNC}}"}),
           {},
           "KFENCE: invalid %1 in %3",
           stack({part(kfence_in), walk()})},
          {seq({"BUG: KFENCE: memory corruption in {{FUNC}}"}),
           {},
           "KFENCE: memory corruption in %2",
           stack({part(kfence_in), walk()}),
           true},
          {seq({"BUG: (?:unable to handle kernel paging request|unable to handle page fault for "
                "address|Unable to handle kernel data access)"}),
           {},
           "BUG: unable to handle kernel paging request in %1",
           rip_stack()},
          {seq({"BUG: (?:unable to handle kernel NULL pointer dereference|kernel NULL pointer "
                "dereference|Kernel NULL pointer dereference)"}),
           {},
           "BUG: unable to handle kernel NULL pointer dereference in %1",
           rip_stack()},
          {seq({"BUG: (?:unable to handle kernel|Unable to handle kernel)"}),
           {},
           "BUG: unable to handle kernel",
           nullptr,
           false,
           true},
          {seq({"BUG: (spinlock|rwlock) (lockup suspected|already unlocked|recursion|cpu "
                "recursion|bad magic|wrong owner|wrong CPU|trylock failure on UP)"}),
           {},
           "BUG: %1 %2 in %3",
           trace_stack({"spin_", "_lock", "_unlock"})},
          {seq({"BUG: soft lockup"}), {}, "BUG: soft lockup in %1",
           rip_stack({}, FrameChoice::kStall)},
          {seq({"BUG: .*still has locks held!"}),
           seq({"BUG: .*still has locks held!", "{{PC}} +{{FUNC}}"}),
           "BUG: still has locks held in %1"},
          {seq({"BUG: scheduling while atomic"}), {}, "BUG: scheduling while atomic in %1",
           trace_stack({"schedule"})},
          {seq({"BUG: lock held when returning to user space"}),
           seq({"BUG: lock held when returning to user space",
                "leaving the kernel with locks still held", "at: (?:{{PC}} +)?{{FUNC}}"}),
           "BUG: lock held when returning to user space in %1",
           nullptr,
           true},
          {seq({"BUG: bad unlock balance detected!"}),
           {},
           "BUG: bad unlock balance in %1",
           stack({part("{{PC}} +{{FUNC}}"), part(kCallTrace), walk()})},
          {seq({"BUG: held lock freed!"}), seq({"BUG: held lock freed!", "{{PC}} +{{FUNC}}"}),
           "BUG: held lock freed in %1"},
          {seq({"BUG: Bad rss-counter state"}), {}, "BUG: Bad rss-counter state", nullptr, true},
          {seq({"BUG: non-zero nr_ptes on freeing mm"}),
           {},
           "BUG: non-zero nr_ptes on freeing mm",
           nullptr,
           true},
          {seq({"BUG: non-zero nr_pmds on freeing mm"}),
           {},
           "BUG: non-zero nr_pmds on freeing mm",
           nullptr,
           true},
          // The file system type and block device are left out: they only split one bug.
          {seq({"BUG: Dentry .* still in use"}),
           seq({R"(BUG: Dentry .* still in use \([0-9]+\) \[(unmount) of ([^\]]+)\])"}),
           "BUG: Dentry still in use in %1"},
          {seq({"BUG: Bad page (state|cache)"}),
           {},
           "BUG: Bad page %1 in %2",
           stack({part("page last allocated"), walk()},
                 {"(free|put|get|update|release)_page", "free_unref", "^_*folio",
                  "truncate_inode_pages", "page_frag_free", "alloc", "vmap", "page_owner"})},
          {seq({"BUG: Bad page map"}), {}, "BUG: Bad page map"},
          {seq({"BUG: workqueue lockup"}), {}, "BUG: workqueue lockup", nullptr, true},
          {seq({"BUG: sleeping function called from invalid context at (.*)"}),
           {},
           "BUG: sleeping function called from invalid context in %2",
           trace_stack()},
          {seq({R"(BUG: using ([a-z_]+)\(\) in preemptible)"}),
           {},
           "BUG: using %1() in preemptible code in %2",
           trace_stack(
               {"dump_stack", "preemption", "preempt", "debug_", "processor_id", "this_cpu"})},
          {seq({"BUG: workqueue leaked lock or atomic"}),
           seq({"BUG: workqueue leaked lock or atomic", "last function: ([a-zA-Z0-9_]+)$"}),
           "BUG: workqueue leaked lock or atomic in %1",
           nullptr,
           true},
          {seq({"BUG: memory leak"}),
           {},
           "memory leak in %1",
           stack({part(R"(backtrace(?: \(crc [0-9a-fA-F]*\))?:)"), walk()},
                 {"kmemleak", "mmap", "kmem", "slab", "alloc", "create_object", "idr_get",
                  "list_lru_init", "kasprintf", "kvasprintf", "pcpu_create", "strdup", "strndup",
                  "memdup"})},
          {seq({"BUG: .*stack guard page was hit at"}), {}, "BUG: stack guard page was hit in %1",
           rip_stack({}, FrameChoice::kStall)},
          // arm's form of x86's "WARNING: ... lockdep.c ... lock_": one title for both.
          {seq({"BUG: Invalid wait context"}), {}, "WARNING: locking bug in %1",
           trace_stack({"lock_sock", "release_sock"})},
          {seq({R"(BUG:\s*$)"}), {}, "BUG: corrupted", nullptr, false, true},
      },
      {"ODEBUG:", "Boot_DEBUG:", "xlog_status:", "DEBUG:", "BUG: no syscalls can create resource"}));

  k.push_back(kind(
      "WARNING:",
      {
          {seq({R"(WARNING: .*lib/debugobjects\.c.* (?:debug_print|debug_check|at))"}),
           {},
           "WARNING: ODEBUG bug in %1",
           warning_stack({"debug_", "rcu", "hrtimer_", "timer_", "work_", "percpu_", "vunmap",
                          "vfree", "__free_", "debug_check", "kobject_"})},
          {seq({R"(WARNING: .*mm/usercopy\.c.* (?:usercopy_warn|at))"}),
           {},
           "WARNING: bad usercopy in %1",
           warning_stack({"usercopy", "__check"})},
          {seq({R"(WARNING: .*lib/kobject\.c.* (?:kobject_|at))"}),
           {},
           "WARNING: kobject bug in %1",
           warning_stack({"kobject_"})},
          {seq({R"(WARNING: .*fs/proc/generic\.c.* (?:proc_register|at))"}),
           {},
           "WARNING: proc registration bug in %1",
           warning_stack({"proc_"})},
          {seq({R"(WARNING: .*lib/refcount\.c.* (?:refcount_|at))"}),
           {},
           "WARNING: refcount bug in %1",
           warning_stack({"refcount", "kobject_"})},
          {seq({R"(WARNING: .*kernel/locking/lockdep\.c.*lock_)"}),
           {},
           "WARNING: locking bug in %1",
           warning_stack({"lock_sock", "release_sock"})},
          {seq({"WARNING: .*still has locks held!"}),
           seq({"WARNING: .*still has locks held!", "at: {{FUNC}}"}),
           "WARNING: still has locks held in %1"},
          {seq({"WARNING: Nested lock was not taken"}), {}, "WARNING: nested lock was not taken in %1",
           warning_stack()},
          {seq({"WARNING: lock held when returning to user space"}),
           seq({"WARNING: lock held when returning to user space",
                "leaving the kernel with locks still held", "at: (?:{{PC}} +)?{{FUNC}}"}),
           "WARNING: lock held when returning to user space in %1",
           nullptr,
           true},
          {seq({R"(WARNING: .*mm/.*\.c.* k?.?malloc)"}),
           {},
           "WARNING: kmalloc bug in %1",
           warning_stack({"kmalloc", "krealloc", "slab", "kmem"})},
          {seq({R"(WARNING: .*mm/vmalloc.c.*__vmalloc_node)"}),
           {},
           "WARNING: zero-size vmalloc in %1",
           warning_stack()},
          {seq({"WARNING: .* usb_submit_urb"}),
           {},
           "WARNING in %1/usb_submit_urb",
           warning_stack({"usb_submit_urb", "usb_start_wait_urb", "usb_bulk_msg",
                          "usb_interrupt_msg", "usb_control_msg"})},
          {seq({R"(WARNING: {{SRC}} at 0x\d+, CPU#\d+)"}), {}, "WARNING in %2", warning_stack()},
          {seq({"WARNING: .* at {{SRC}} {{FUNC}}"}), {}, "WARNING in %3", warning_stack()},
          {seq({"WARNING: {{SRC}} at {{FUNC}}"}), {}, "WARNING in %3", warning_stack()},
          {seq({R"(WARNING: \[.*\] {{SRC}} at {{FUNC}}.*)"}), {}, "WARNING in %3",
           warning_stack()},
          {seq({"WARNING: possible circular locking dependency detected"}),
           seq({"WARNING: possible circular locking dependency detected",
                "is trying to acquire lock"}),
           "possible deadlock in %1",
           stack({part("at: (?:{{PC}} +)?{{FUNC}}"), part("at: (?:{{PC}} +)?{{FUNC}}"), walk()},
                 {"process_one_work", "flush_workqueue", "drain_workqueue",
                  "destroy_workqueue"})},
          {seq({"WARNING: possible irq lock inversion dependency detected"}),
           seq({"WARNING: possible irq lock inversion dependency detected",
                "just changed the state of lock", "at: (?:{{PC}} +)?{{FUNC}}"}),
           "possible deadlock in %1"},
          {seq({"WARNING: .*-safe -> .*-unsafe lock order detected"}),
           {},
           "possible deadlock in %1",
           stack({part("which became (?:.*) at:"), walk()})},
          {seq({"WARNING: possible recursive locking detected"}),
           seq({"WARNING: possible recursive locking detected", "is trying to acquire lock",
                "at: (?:{{PC}} +)?{{FUNC}}"}),
           "possible deadlock in %1"},
          {seq({"WARNING: inconsistent lock state"}),
           seq({"WARNING: inconsistent lock state", "takes", "at: (?:{{PC}} +)?{{FUNC}}"}),
           "inconsistent lock state in %2",
           trace_stack()},
          {seq({"WARNING: suspicious RCU usage"}),
           seq({"WARNING: suspicious RCU usage", "{{SRC}}"}),
           "WARNING: suspicious RCU usage in %2",
           trace_stack({"rcu", "kmem", "slab"})},
          {seq({"WARNING: kernel stack regs at [0-9a-f]+ in [^ ]* has bad '([^']+)' value"}),
           {},
           "WARNING: kernel stack regs has bad '%1' value",
           nullptr,
           true},
          {seq({"WARNING: kernel stack frame pointer at [0-9a-f]+ in [^ ]* has bad value"}),
           {},
           "WARNING: kernel stack frame pointer has bad value",
           nullptr,
           true},
          {seq({"WARNING: bad unlock balance detected!"}),
           {},
           "WARNING: bad unlock balance in %1",
           stack({part("{{PC}} +{{FUNC}}"), part(kCallTrace), walk()})},
          {seq({"WARNING: held lock freed!"}),
           seq({"WARNING: held lock freed!", "at:(?: {{PC}})? +{{FUNC}}"}),
           "WARNING: held lock freed in %1"},
          {seq({"WARNING: kernel stack regs .* has bad 'bp' value"}),
           {},
           "WARNING: kernel stack regs has bad value",
           nullptr,
           true},
          {seq({"WARNING: kernel stack frame pointer .* has bad value"}),
           {},
           "WARNING: kernel stack regs has bad value",
           nullptr,
           true},
          {seq({R"(WARNING:\s*$)"}), {}, "WARNING: corrupted", nullptr, false, true},
      },
      {"WARNING: /etc/ssh/moduli does not exist, using fixed modulus",
       "WARNING: workqueue cpumask: online intersect > possible intersect",
       "WARNING: [Tt]he mand mount option",
       R"(WARNING: Unsupported flag value\(s\) of 0x%x in DT_FLAGS_1)",
       "WARNING: Unprivileged eBPF is enabled with eIBRS",
       R"(WARNING: fbcon: Driver '(.*)' missed to adjust virtual screen size)",
       "WARNING: See https.* for mitigation options.", "WARNING: kernel not compiled with CPU_SRSO",
       R"(EXT4-[Ff][Ss](?: \(.*\))?:)", R"(XFS \(\w+\): WARNING)",
       "warning: .* uses (deprecated v2 capabilities|wireless extensions)"},
      true));

  const std::string lockdep_at = "at: {{PC}} +{{FUNC}}";
  k.push_back(kind(
      "INFO:",
      {
          {seq({"INFO: possible circular locking dependency detected"}),
           seq({R"(INFO: possible circular locking dependency detected \])",
                "is trying to acquire lock", lockdep_at}),
           "possible deadlock in %1"},
          {seq({"INFO: possible irq lock inversion dependency detected"}),
           seq({R"(INFO: possible irq lock inversion dependency detected \])",
                "just changed the state of lock", lockdep_at}),
           "possible deadlock in %1"},
          {seq({"INFO: SOFTIRQ-safe -> SOFTIRQ-unsafe lock order detected"}),
           seq({R"(INFO: SOFTIRQ-safe -> SOFTIRQ-unsafe lock order detected \])",
                "is trying to acquire", lockdep_at}),
           "possible deadlock in %1"},
          {seq({"INFO: possible recursive locking detected"}),
           seq({R"(INFO: possible recursive locking detected \])", "is trying to acquire lock",
                lockdep_at}),
           "possible deadlock in %1"},
          {seq({"INFO: inconsistent lock state"}),
           seq({R"(INFO: inconsistent lock state \])", "takes", lockdep_at}),
           "inconsistent lock state in %1"},
          {seq({"INFO: rcu_(?:preempt|sched|bh) (?:self-)?detected(?: expedited)? stall"}),
           {},
           "INFO: rcu detected stall in %1",
           stack({part("apic_timer_interrupt"), part(kRip), walk()},
                 {"apic_timer_interrupt", "rcu"}, FrameChoice::kStall,
                 {part("(?:apic_timer_interrupt|Exception stack|el1h_64_irq)"), walk()})},
          {seq({"INFO: trying to register non-static key"}),
           {},
           "INFO: trying to register non-static key in %1",
           trace_stack({"stack", "lock", "IRQ"})},
          {seq({"INFO: suspicious RCU usage"}),
           seq({"INFO: suspicious RCU usage", "{{SRC}}"}),
           "INFO: suspicious RCU usage in %2",
           trace_stack({"rcu", "kmem", "slab"})},
          {seq({"INFO: task .* blocked (?:in I/O wait )?for more than [0-9]+ seconds"}),
           {},
           "INFO: task hung in %1",
           trace_stack({}, FrameChoice::kHang)},
          {seq({"INFO: task .* can't die for more than .* seconds"}),
           {},
           "INFO: task can't die in %1",
           trace_stack({"schedule"})},
          // an old-style KASAN report that lost its header
          {seq({"INFO: (Freed|Allocated) in (.*)"}), {}, "INFO: %1 in %2", nullptr, false, true},
          {seq({R"(INFO:\s*$)"}), {}, "INFO: corrupted", nullptr, false, true},
      },
      {"INFO: lockdep is turned off", "INFO: Stall ended before state dump start",
       "INFO: NMI handler", "INFO: recovery required on readonly filesystem",
       "(handler|interrupt).*took too long", "INFO: sys_.* is not present in /proc/kallsyms",
       "INFO: no syscalls can create resource", "rmt_storage:INFO:", "_INFO:"}));

  k.push_back(kind("Unable to handle kernel",
                   {{seq({"Unable to handle kernel (paging request|NULL pointer dereference|access "
                          "to user memory)"}),
                     {},
                     "BUG: unable to handle kernel %1 in %2",
                     rip_stack()}}));
  k.push_back(kind("general protection fault",
                   {{seq({"general protection fault.*:"}), {}, "general protection fault in %1",
                     rip_stack()}},
                   {R"(general protection fault .* error:\d+ in )"}));
  k.push_back(kind("stack segment: ", {{seq({"stack segment: "}), {}, "stack segment fault in %1",
                                        rip_stack()}}));
  k.push_back(kind(
      "Kernel panic",
      {
          {seq({"Kernel panic - not syncing: stack-protector:"}),
           seq({"Kernel panic - not syncing: stack-protector: Kernel stack is corrupted in: "
                "{{FUNC}}"}),
           "kernel panic: stack is corrupted in %1",
           nullptr,
           true},
          {seq({"Kernel panic - not syncing: stack-protector:"}),
           seq({"Kernel panic - not syncing: stack-protector: Kernel stack is corrupted in: "
                "[a-f0-9]+"}),
           "kernel panic: stack is corrupted in %1",
           trace_stack({"stack_chk"})},
          {seq({"Kernel panic - not syncing: corrupted stack end"}),
           seq({"Kernel panic - not syncing: corrupted stack end detected inside scheduler"}),
           "kernel panic: corrupted stack end in %1",
           trace_stack({"schedule", "retint_kernel"}, FrameChoice::kStall)},
          {seq({"Kernel panic - not syncing: kernel stack overflow"}),
           {},
           "kernel stack overflow in %1",
           trace_stack({"bad_stack"}, FrameChoice::kStall)},
          {seq({"Kernel panic - not syncing: Attempted to kill init!"}),
           {},
           "kernel panic: Attempted to kill init!"},
          {seq({"Kernel panic - not syncing: Couldn't open N_TTY ldisc for [^ ]+ --- error "
                "-[0-9]+"}),
           {},
           "kernel panic: Couldn't open N_TTY ldisc"},
          // A panic seen without the report that caused it: the report was lost.
          {seq({"Kernel panic - not syncing: Fatal exception"}),
           {},
           "kernel panic: Fatal exception",
           nullptr,
           false,
           true},
          {seq({"Kernel panic - not syncing: panic_on_warn set"}),
           {},
           "kernel panic: panic_on_warn set",
           nullptr,
           false,
           true},
          {seq({"Kernel panic - not syncing: hung_task: blocked tasks"}),
           {},
           "kernel panic: hung_task: blocked tasks",
           nullptr,
           false,
           true},
          {seq({"Kernel panic - not syncing: (.*)"}), {}, "kernel panic: %1"},
      }));
  k.push_back(kind("PANIC: double fault", {{seq({"PANIC: double fault"}), {},
                                            "PANIC: double fault in %1", stack({part(kRip)})}}));
  k.push_back(kind("rust_kernel: panicked",
                   {{seq({"rust_kernel: panicked"}),
                     seq({"rust_kernel: panicked at ", "\n(.+)"}),
                     "%1 in %2",
                     trace_stack({R"(__rustc::rust_begin_unwind)"})}}));
  k.push_back(kind(
      "kernel BUG",
      {
          {seq({"kernel BUG at mm/usercopy.c"}), {}, "BUG: bad usercopy in %1",
           trace_stack({"usercopy", "__check"})},
          {seq({"kernel BUG at lib/list_debug.c"}), {}, "BUG: corrupted list in %1", trace_stack()},
          // BUG_ON in skb helpers: the caller is at fault
          {seq({"kernel BUG at (.*)"}), {}, "kernel BUG in %2", rip_stack({"^skb_"})},
      }));
  k.push_back(kind("Kernel BUG", {{seq({"Kernel BUG (.*)"}), {}, "kernel BUG %1"}}));
  k.push_back(kind("BUG kmalloc-",
                   {{seq({"BUG kmalloc-.*: Object already free"}), {}, "BUG: Object already free"}}));
  k.push_back(kind("divide error:", {{seq({"divide error: "}), {}, "divide error in %1",
                                      stack({part(kRip)})}}));
  // the kernel's own spelling since 5.9 ("x86/entry: Convert Divide Error to IDTENTRY")
  k.push_back(kind("divide_error:", {{seq({"divide_error: "}), {}, "divide error in %1",
                                      stack({part(kRip)})}}));
  k.push_back(kind("invalid opcode:", {{seq({"invalid opcode: "}), {}, "invalid opcode in %1",
                                        stack({part(kRip)})}}));
  k.push_back(kind(
      "UBSAN:",
      {
          {seq({"UBSAN:"}), seq({"UBSAN: Undefined behaviour in"}),
           "UBSAN: undefined-behaviour in %1", trace_stack({"ubsan", "overflow"})},
          {seq({"UBSAN: array-index-out-of-bounds in"}), {},
           "UBSAN: array-index-out-of-bounds in %1", trace_stack({"ubsan", "overflow"})},
          {seq({"UBSAN:"}), seq({"UBSAN: (.*?) in"}), "UBSAN: %1 in %2",
           trace_stack({"ubsan", "overflow"})},
      }));
  k.push_back(kind("Booting the kernel.",
                   {{seq({"^Booting the kernel"}), {}, "unexpected kernel reboot", nullptr, true}},
                   {"Parsing ELF|Decompressing Linux|Unknown parameter '"}));
  k.push_back(kind("unregister_netdevice: waiting for",
                   {{seq({"unregister_netdevice: waiting for (?:.*) to become free"}),
                     {},
                     "unregister_netdevice: waiting for DEV to become free",
                     nullptr,
                     true}}));
  k.push_back(kind("VFS: Close: file count is 0",
                   {{seq({"VFS: Close: file count is 0"}),
                     {},
                     "VFS: Close: file count is zero (use-after-free)",
                     nullptr,
                     true}}));
  k.push_back(kind("VFS: Busy inodes after unmount",
                   {{seq({"VFS: Busy inodes after unmount"}),
                     {},
                     "VFS: Busy inodes after unmount (use-after-free)",
                     nullptr,
                     true}}));
  k.push_back(kind("Internal error:",
                   {{seq({"Internal error:"}), {}, "Internal error in %1", rip_stack()}}));
  k.push_back(kind("Unhandled fault:",
                   {{seq({"Unhandled fault:"}), {}, "Unhandled fault in %1", rip_stack()}}));
  k.push_back(kind("Alignment trap:",
                   {{seq({"Alignment trap:"}), {}, "Alignment trap in %1", rip_stack()}}));
  k.push_back(kind("trusty: panic",
                   {
                       {seq({"trusty: panic.* ASSERT FAILED"}),
                        seq({R"(trusty: panic \(.*?\):(?: DEBUG)? ASSERT FAILED at \(.*?\): (.+))"}),
                        "trusty: ASSERT FAILED: %1",
                        nullptr,
                        true},
                       {seq({"trusty: panic.* ASSERT FAILED.*: *(.*)"}),
                        {},
                        "trusty: ASSERT FAILED: %1",
                        nullptr,
                        false,
                        true},
                       {seq({"trusty: panic"}),
                        seq({R"(trusty: panic \(.*?\): (.+))"}),
                        "trusty: panic: %1",
                        nullptr,
                        true},
                   }));
  k.push_back(kind("fatal error:",
                   {{seq({"fatal error:"}), {}, "go runtime error", nullptr, true}},
                   {"ALSA", "fatal error: cannot create timer"}));
  // klogd's own: an OOM kill (the report starts where the allocator gives up) and a hard
  // lockup. syzbot files neither; fleets count both.
  k.push_back(kind("invoked oom-killer:",
                   {{seq({"invoked oom-killer:"}),
                     seq({"invoked oom-killer:",
                          R"(((?:Memory cgroup o|O)ut of memory): Killed process [0-9]+ \(([^)]*)\))"}),
                     "%1: Killed process %2",
                     nullptr,
                     true},
                    {seq({"invoked oom-killer:"}), {}, "out of memory", nullptr, true, true}}));
  k.push_back(kind("ut of memory: Killed process",
                   {{seq({R"(((?:Memory cgroup o|O)ut of memory): Killed process [0-9]+ \(([^)]*)\))"}),
                     {},
                     "%1: Killed process %2",
                     nullptr,
                     true}}));
  k.push_back(kind("Watchdog detected hard LOCKUP",
                   {{seq({"Watchdog detected hard LOCKUP"}), {}, "hard lockup in %1",
                     rip_stack({}, FrameChoice::kFirst)}}));
  // syzkaller's own programs' failures, and Go panics
  k.push_back(kind("SYZFAIL:", {{seq({"SYZFAIL:(.*)"}), {}, "SYZFAIL:%1", nullptr, true}}));
  k.push_back(kind("SYZFATAL:", {{seq({"SYZFATAL:(.*)"}), {}, "SYZFATAL:%1", nullptr, true}}));
  k.push_back(kind("panic:",
                   {{seq({"panic: Sentry detected .* stuck task"}),
                     {},
                     "panic: Sentry detected stuck tasks",
                     nullptr,
                     true},
                    {seq({"panic:(.*)"}), {}, "panic:%1", nullptr, true}},
                   {"_panic:", "xlog_status:", R"(ddb\.onpanic:)", "evtlog_status:"}));
  return k;
  // clang-format on
}

namespace {

// Finds the headers a line holds without running over every byte (nearly every line holds
// none, and this runs on each). A header of kStride + 3 bytes or more holds, wherever it
// stands, the 4 bytes at some position that is a multiple of kStride: only those positions are
// probed, in a bitmap keyed by a hash of 4 bytes that knows every 4 bytes at offsets
// 0..kStride-1 of every such header; a hit is compared in full. The shorter headers ("BUG:",
// "INFO:") end with ':', which memchr finds fast; a short one without would be searched whole.
// The marker lines "[ cut here ]" and "====" (a sanitizer's banner) are found the same way.
class HeaderFilter {
 public:
  static constexpr size_t kStride = 5;
  static constexpr size_t kCutHere = SIZE_MAX, kBanner = SIZE_MAX - 1;

  explicit HeaderFilter(const std::vector<ReportKind>& kinds) : kinds_(kinds) {
    for (size_t i = 0; i < kinds.size(); ++i) add(kinds[i].header, i);
    add("[ cut here ]", kCutHere);
    add("========", kBanner);
  }
  /// Whether the line may hold a header or a marker (false: it surely does not).
  bool maybe(std::string_view s) const {
    return scan(s, [](size_t) { return true; });
  }
  /// The first kind (in catalog order) whose header the line holds and that is not
  /// suppressed.
  const ReportKind* first(std::string_view s) const {
    size_t best = kinds_.size();
    scan(s, [&](size_t k) {
      if (k < best && !suppressed(k, s)) best = k;
      return false;
    });
    return best < kinds_.size() ? &kinds_[best] : nullptr;
  }

 private:
  struct Anchor {
    uint32_t quad;
    size_t what;    // a kind, kCutHere or kBanner
    size_t offset;  // of the quad in the text
  };
  std::string_view text_of(size_t what) const {
    if (what == kCutHere) return "[ cut here ]";
    if (what == kBanner) return "========";
    return kinds_[what].header;
  }
  void add(std::string_view text, size_t what) {
    if (text.size() < kStride + 3) {
      if (text.back() == ':') {
        colon_.push_back(what);
        colon_quads_.push_back(quad(text.data() + text.size() - 4));
      } else {
        whole_.push_back(what);
      }
      return;
    }
    for (size_t o = 0; o < kStride; ++o) {
      uint32_t q = quad(text.data() + o);
      uint32_t h = hash(q);
      bits_[h >> 6] |= uint64_t{1} << (h & 63);
      anchors_.push_back({q, what, o});
    }
  }
  // Calls found(what) for each header or marker the line holds, until it returns true.
  template <typename Found>
  bool scan(std::string_view s, Found found) const {
    for (size_t i = 0; i + 4 <= s.size(); i += kStride) {
      uint32_t q = quad(s.data() + i);
      uint32_t h = hash(q);
      if (!(bits_[h >> 6] >> (h & 63) & 1)) continue;
      for (const Anchor& a : anchors_) {
        if (a.quad != q || a.offset > i) continue;
        if (s.substr(i - a.offset).starts_with(text_of(a.what)) && found(a.what)) return true;
      }
    }
    if (!colon_.empty()) {
      for (size_t c = s.find(':', 3); c != std::string_view::npos; c = s.find(':', c + 1)) {
        const uint32_t q = quad(s.data() + c - 3);  // the 4 bytes that end with this ':'
        for (size_t k = 0; k < colon_.size(); ++k) {
          if (colon_quads_[k] != q) continue;
          std::string_view t = text_of(colon_[k]);
          if (c + 1 >= t.size() && s.substr(c + 1 - t.size(), t.size()) == t && found(colon_[k]))
            return true;
        }
      }
    }
    for (size_t what : whole_)
      if (s.find(text_of(what)) != std::string_view::npos && found(what)) return true;
    return false;
  }
  static uint32_t quad(const char* p) {
    uint32_t q;
    std::memcpy(&q, p, 4);
    return q;
  }
  static uint32_t hash(uint32_t q) { return (q * 0x9E3779B1u) >> 16; }  // 16 bits
  bool suppressed(size_t k, std::string_view s) const {
    if (k >= kinds_.size()) return true;  // a marker is no kind
    s = s.substr(0, kMatchBytes);         // std::regex recurses per character: bounded input
    for (const std::regex& re : kinds_[k].suppressions)
      if (std::regex_search(s.begin(), s.end(), re)) return true;
    return false;
  }
  const std::vector<ReportKind>& kinds_;
  std::array<uint64_t, 1024> bits_{};
  std::vector<Anchor> anchors_;
  std::vector<size_t> colon_, whole_;
  std::vector<uint32_t> colon_quads_;  ///< the last 4 bytes of each of colon_
};

const HeaderFilter& header_filter() {
  static const HeaderFilter filter(report_kinds());
  return filter;
}

bool search(const std::regex& re, std::string_view s) {
  s = s.substr(0, kMatchBytes);
  return std::regex_search(s.begin(), s.end(), re);
}

}  // namespace

std::regex catalog_regex(std::string_view pattern, bool icase) {
  auto flags = std::regex::ECMAScript | std::regex::optimize;
  if (icase) flags |= std::regex::icase;
  return std::regex(expand(pattern), flags);
}

std::string required_literal(std::string_view p) {
  int depth = 0;
  for (size_t i = 0; i < p.size(); ++i) {  // an alternation at the top level: nothing is sure
    if (p[i] == '\\')
      ++i;
    else if (p[i] == '(')
      ++depth;
    else if (p[i] == ')')
      --depth;
    else if (p[i] == '|' && depth == 0)
      return {};
  }
  std::string best, run;
  auto end_run = [&](bool last_optional) {
    if (last_optional && !run.empty()) run.pop_back();
    if (run.size() > best.size()) best = run;
    run.clear();
  };
  depth = 0;
  bool in_class = false;
  for (size_t i = 0; i < p.size(); ++i) {
    char c = p[i];
    if (in_class) {
      if (c == '\\')
        ++i;
      else if (c == ']')
        in_class = false;
      continue;
    }
    if (c == '\\') {  // an escape: a class (\d) or a character; either way the run ends
      end_run(false);
      ++i;
      continue;
    }
    if (c == '(' || c == ')' || c == '[' || c == '{' || c == '.' || c == '^' || c == '$' ||
        c == '|' || c == '?' || c == '*' || c == '+') {
      // a quantifier makes the character before it optional ('{' may be a placeholder:
      // dropping it anyway is only more careful)
      end_run(c == '?' || c == '*' || c == '{' || c == '+');
      if (c == '(') ++depth;
      if (c == ')') --depth;
      if (c == '[') in_class = true;
      if (c == '{') {  // a {{PLACEHOLDER}} or a {m,n} count: skipped whole
        size_t close = p.find(p.substr(i, 2) == "{{" ? "}}" : "}", i);
        i = close == std::string_view::npos ? p.size() : close + (p.substr(close, 2) == "}}");
      }
      continue;
    }
    if (depth == 0) run.push_back(c);
  }
  end_run(false);
  return best;
}

Pattern catalog_pattern(std::string_view pattern) {
  return {catalog_regex(pattern), required_literal(pattern)};
}

const std::vector<ReportKind>& report_kinds() {
  static const std::vector<ReportKind> kinds = build_report_kinds();
  return kinds;
}

const ReportKind* report_start(std::string_view line) { return header_filter().first(line); }

bool may_start_report(std::string_view line) { return header_filter().maybe(line); }

bool continues_report(std::string_view line) {
  static const std::regex re(
      "invalid opcode: 0000|Kernel panic - not syncing|unregister_netdevice: waiting for|PANIC: "
      "double fault|Internal error:|ut of memory: Killed process",
      std::regex::ECMAScript | std::regex::optimize);
  return search(re, line);
}

bool is_info_with_stack(std::string_view line) {
  for (std::string_view s : {"vmalloc: allocation failure:", "FAULT_INJECTION: forcing a failure",
                             "FAULT_FLAG_ALLOW_RETRY missing"})
    if (line.find(s) != std::string_view::npos) return true;
  return false;
}

const std::regex& infrastructure_frames() {
  static const std::regex re(common_skip(), std::regex::ECMAScript | std::regex::optimize);
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
    // arm: "[<c0123456>] (f) from [<c0123457>] (g+0x..)": both frames
    s.frame.push_back(catalog_pattern(R"(^ *{{PC}} \(([a-zA-Z0-9_.]+)\) from {{PC}} \({{FUNC}})"));
    s.corrupted_line.push_back(
        catalog_pattern(R"(^( \[<?(?:0x)?[0-9a-f]+>?\])? should_fail(slab)?(\.[a-z0-9.]+)?\+0x)"));
    s.strip_prefixes = {"SYSC_",     "SyS_",      "sys_",         "__x64_",      "__ia32_",
                        "__arm64_",  "____sys_",  "___sys_",      "__sys_",      "__se_",
                        "__se_sys_", "__do_sys_", "compat_SYSC_", "compat_SyS_", "ksys_"};
    std::string anchors;
    for (const char* a : kStallAnchors) {
      if (!anchors.empty()) anchors += '|';
      anchors += a;
    }
    s.stall_anchors = std::regex(anchors, std::regex::ECMAScript | std::regex::optimize);
    return s;
  }();
  return p;
}

}  // namespace klogd
