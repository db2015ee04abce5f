// The guilty file: syzkaller's rules over the report's file:line, on its own guilty-file cases,
// and each rule on a report made for it.
#include "incidents/guilty_file.h"

#include <catch2/catch.hpp>

#include "decode/decode_output.h"
#include "test_util.h"

using namespace klogd;
using namespace klogd::test;

namespace {

struct Case {
  std::string name, guilty, addresses, subsystems;
};

std::vector<Case> triage_cases() {
  std::vector<Case> out;
  for (const std::string& l : lines_of(read_file(KLOGD_TEST_DATA "/triage-guilty/expected.tsv"))) {
    if (l.empty() || l[0] == '#') continue;
    Case c;
    std::vector<std::string*> fields{&c.name, &c.guilty, &c.addresses, &c.subsystems};
    size_t start = 0;
    for (std::string* f : fields) {
      size_t tab = l.find('\t', start);
      *f = l.substr(start, tab == std::string::npos ? std::string::npos : tab - start);
      start = tab == std::string::npos ? l.size() : tab + 1;
    }
    out.push_back(c);
  }
  return out;
}

std::string body_of(const std::string& name) {
  const std::string text = read_file(KLOGD_TEST_DATA "/triage-guilty/cases/" + name);
  return text.substr(text.find("\n\n") + 2);
}

// The first incident that is not corrupted, as the judge takes it.
Incident first_whole(const std::string& log) {
  static Symbolizer none;
  static const Annotator annotator(&none, {});
  std::vector<Incident> found = find_incidents(log, annotator);
  REQUIRE(!found.empty());
  for (const Incident& i : found)
    if (!i.corrupted) return i;
  return found[0];
}

std::string guilty_of(const std::vector<std::string>& lines, std::string_view title = "BUG: x") {
  return guilty_file(lines, title);
}

}  // namespace

TEST_CASE("guilty file: syzkaller's guilty-file cases, every one", "[incidents]") {
  const std::vector<Case> cases = triage_cases();
  REQUIRE(cases.size() == 17);
  size_t right = 0;
  for (const Case& c : cases) {
    const Incident i = first_whole(body_of(c.name));
    INFO("case " << c.name << ": " << i.title);
    CHECK(i.guilty_file == c.guilty);
    right += i.guilty_file == c.guilty;
  }
  CHECK(right == cases.size());
}

TEST_CASE("guilty file: the first file not infrastructure, cleaned", "[incidents]") {
  CHECK(guilty_of({" dump_stack+0x1/0x2 lib/dump_stack.c:52",
                   " kasan_report+0x2/0x3 mm/kasan/report.c:408",
                   " __might_sleep kernel/sched/core.c:9 [inline]",
                   " ext4_map+0x1/0x9 ./fs/ext4/inode.c:612",
                   " vfs_write+0x1/0x9 fs/read_write.c:584"}) == "fs/ext4/inode.c");
  CHECK(guilty_of({"no file here", "RIP: 0010:f+0x1/0x2"}).empty());
  // a header is infrastructure; with nothing else, the first file is kept, as printed
  CHECK(guilty_of({" f include/linux/list.h:12 [inline]", " g+0x1/0x2 lib/list.c:3"}) ==
        "include/linux/list.h");
  CHECK(guilty_of({" f ./include/linux/list.h:12 [inline]"}) == "./include/linux/list.h");
  // the ignore rules see the file as printed: "./lib/x.c" is not "^lib/"
  CHECK(guilty_of({" f+0x1/0x2 ./lib/x.c:1", " g+0x1/0x2 fs/y.c:2"}) == "lib/x.c");
  // "mm/sl.b.c" is unanchored at its end: mm/slab_common.c is infrastructure too
  CHECK(guilty_of({" kfree+0x1/0x2 mm/slab_common.c:9", " d_free+0x1/0x2 fs/dcache.c:3"}) ==
        "fs/dcache.c");
  CHECK(file_on_line(" iput+0x1c/0x40 ./fs/../fs/inode.c:1754") == "fs/inode.c");
  CHECK(file_on_line(" f+0x1/0x2 fs/inode.c") == "");  // no line number
}

TEST_CASE("guilty file: lockdep's and a register dump's lines name no guilty file", "[incidents]") {
  CHECK(guilty_of({"hardirqs last  enabled at (1): [<0>] f+0x1/0x2 net/core/x.c:1",
                   " #0: ffff8880 (&sb->s_type->i_mutex_key#10){+.+.}, at: inode_lock fs/namei.c:3",
                   "1 lock held by a/1:, at: f drivers/a/b.c:2",
                   " ntfs_iget+0x1/0x2 fs/ntfs3/inode.c:4"}) == "fs/ntfs3/inode.c");
}

TEST_CASE("guilty file: a deeper file below the guilty one's folder takes its place",
          "[incidents]") {
  CHECK(guilty_of({" iput+0x1/0x2 fs/inode.c:1", " ntfs_put+0x1/0x2 fs/ntfs3/super.c:2",
                   " other+0x1/0x2 net/socket.c:3"}) == "fs/ntfs3/super.c");
  CHECK(guilty_of({" a+0x1/0x2 fs/inode.c:1", " b+0x1/0x2 fs/namei.c:2"}) == "fs/inode.c");
  // and again below the new one's folder
  CHECK(guilty_of({" a+0x1/0x2 fs/inode.c:1", " b+0x1/0x2 fs/ntfs3/super.c:2",
                   " c+0x1/0x2 fs/ntfs3/lib/decompress.c:3"}) == "fs/ntfs3/lib/decompress.c");
}

TEST_CASE("guilty file: an RCU stall is read from its interrupt frame on", "[incidents]") {
  const std::vector<std::string> stall{"rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:",
                                       " rcu_dump_cpu_stacks+0x1/0x2 kernel/rcu/tree_stall.h:3",
                                       " tick_sched_timer+0x1/0x2 kernel/time/tick-sched.c:4",
                                       " apic_timer_interrupt+0xf/0x20 arch/x86/entry/entry_64.S:5",
                                       " spin_loop+0x1/0x2 drivers/block/loop.c:6"};
  CHECK(guilty_of(stall, "INFO: rcu detected stall in spin_loop") == "drivers/block/loop.c");
  CHECK(guilty_of(stall, "BUG: soft lockup in spin_loop") == "kernel/time/tick-sched.c");
  // the scan starts at the marker, not at its line's start
  CHECK(guilty_of({" x fs/namei.c:1 apic_timer_interrupt+0x1/0x2", " y+0x1/0x2 drivers/a/b.c:2"},
                  "INFO: rcu detected stall in y") == "drivers/a/b.c");
}
