// Incidents judged on syzkaller's report corpus (tests/data/syzkaller: 151 real logs from
// kernels 4.x-6.x with the title syzbot gives their first report, and logs that hold no crash).
// The score is printed: build/tests/unit_tests "incidents: syzkaller corpus*" -s
#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "decode/decode_output.h"

using namespace klogd;

namespace {

const std::string kCases = KLOGD_TEST_DATA "/syzkaller/cases/";

struct Case {
  std::map<std::string, std::string> header;
  std::string log;
  bool titled() const { return header.count("TITLE") && !header.at("TITLE").empty(); }
  bool corrupted() const { return header.count("CORRUPTED") && header.at("CORRUPTED") == "Y"; }
};

Case load(const std::string& name) {
  std::ifstream f(kCases + name, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  std::string all = ss.str();
  Case c;
  // a header, then a blank line; a log without a crash has an empty header
  const size_t end = all.starts_with('\n') ? 0 : all.find("\n\n");
  REQUIRE(end != std::string::npos);
  std::istringstream head(all.substr(0, end));
  for (std::string line; std::getline(head, line);) {
    size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    c.header.emplace(line.substr(0, colon), value);  // the first TITLE: is the title
  }
  c.log = all.substr(end == 0 ? 1 : end + 2);
  return c;
}

std::vector<Incident> incidents(const std::string& log) {
  static Symbolizer none;
  static Annotator annotator(&none, {});
  return find_incidents(log, annotator);
}

Incident first_of(const std::string& name) {
  auto found = incidents(load(name).log);
  REQUIRE(!found.empty());
  return found[0];
}

}  // namespace

TEST_CASE("incidents: syzkaller corpus, titles exact, no-crash logs quiet, damage flagged",
          "[incidents][corpus]") {
  size_t titled = 0, exact = 0, clean = 0, quiet = 0, corrupted = 0, flagged = 0;
  size_t corrupted_exact = 0, false_damage = 0, cases = 0;
  std::string misses;
  for (const auto& e : std::filesystem::directory_iterator(kCases)) {
    Case c = load(e.path().filename().string());
    ++cases;
    auto found = incidents(c.log);
    const std::string got = found.empty() ? "" : found[0].title;
    if (!c.titled()) {
      ++clean;
      if (found.empty())
        ++quiet;
      else
        misses += e.path().filename().string() + ": no crash, got \"" + got + "\"\n";
    } else if (c.corrupted()) {
      ++corrupted;
      if (!found.empty() && found[0].corrupted) ++flagged;
      if (got == c.header["TITLE"]) ++corrupted_exact;
    } else {
      ++titled;
      if (got == c.header["TITLE"])
        ++exact;
      else
        misses +=
            e.path().filename().string() + ": \"" + c.header["TITLE"] + "\", got \"" + got + "\"\n";
      if (!found.empty() && found[0].corrupted) ++false_damage;
    }
  }
  std::printf(
      "syzkaller corpus (%zu logs): titles exact %zu/%zu; no-crash logs without an incident "
      "%zu/%zu; corrupted reports flagged %zu/%zu (their titles exact %zu); clean reports "
      "flagged corrupted %zu\n%s",
      cases, exact, titled, quiet, clean, flagged, corrupted, corrupted_exact, false_damage,
      misses.c_str());
  REQUIRE(cases == 151);
  CHECK(exact * 100 >= titled * 90);
  CHECK(quiet * 100 >= clean * 95);
  CHECK(flagged * 100 >= corrupted * 90);
}

TEST_CASE("incidents: one of each type from the corpus, with its fields", "[incidents][corpus]") {
  struct Want {
    const char* file;
    IncidentType type;
    const char* title;
    const char* function;
  };
  const Want wants[] = {
      {"510", IncidentType::kOops, "general protection fault in __kernfs_remove",
       "__kernfs_remove"},
      {"555", IncidentType::kOops, "Unhandled fault in __dabt_svc", "__dabt_svc"},
      {"580", IncidentType::kBug, "kernel BUG in do_journal_end", "do_journal_end"},
      {"755", IncidentType::kWarning, "WARNING in ext4_xattr_inode_update_ref",
       "ext4_xattr_inode_update_ref"},
      {"330", IncidentType::kPanic, "kernel panic: corrupted stack end in wb_workfn", "wb_workfn"},
      {"70", IncidentType::kHungTask, "INFO: task hung in iterate_bdevs", "iterate_bdevs"},
      {"145", IncidentType::kRcuStall, "INFO: rcu detected stall in ipv6_rcv", "ipv6_rcv"},
      {"535", IncidentType::kSoftLockup, "BUG: soft lockup in ip_list_rcv", "ip_list_rcv"},
      {"105", IncidentType::kKasan, "KASAN: slab-out-of-bounds Read in ip6_fragment",
       "ip6_fragment"},
      {"635", IncidentType::kKmsan, "KMSAN: uninit-value in sctp_epaddr_lookup_transport",
       "sctp_epaddr_lookup_transport"},
      {"750", IncidentType::kKcsan, "KCSAN: assert: race in dequeue_entities", "dequeue_entities"},
      {"590", IncidentType::kKfence, "KFENCE: use-after-free read in find_uprobe", "find_uprobe"},
      {"520", IncidentType::kUbsan, "UBSAN: array-index-out-of-bounds in arch_uprobe_analyze_insn",
       "arch_uprobe_analyze_insn"},
      {"250", IncidentType::kLockdep, "possible deadlock in blkdev_reread_part",
       "blkdev_reread_part"},
      {"310", IncidentType::kLeak, "memory leak in __kernfs_new_node", "__kernfs_new_node"},
      {"405", IncidentType::kRefcount, "WARNING: refcount bug in cdev_get", "cdev_get"},
  };
  for (const Want& w : wants) {
    INFO("case " << w.file);
    Incident i = first_of(w.file);
    CHECK(i.title == w.title);
    CHECK(i.type == w.type);
    CHECK(i.function == w.function);
    CHECK_FALSE(i.corrupted);
    CHECK(i.fingerprint.size() == 20);
    CHECK(i.first_line >= 1);
    CHECK(i.last_line > i.first_line);
  }
  // the fields of one in full
  Incident g = first_of("510");
  CHECK(g.cpu == 0);
  CHECK(g.pid == 2809);
  CHECK(g.comm == "kworker/u4:2");
  CHECK(g.release == "5.8.0-rc3-next-20200703-syzkaller");
  REQUIRE(g.frames.size() > 5);
  CHECK(g.frames[0] == "__kernfs_remove+0x623/0xa30");
  CHECK(g.frames[1] == "kernfs_remove_by_name_ns+0x51/0xb0");
  // a hung task has no CPU line: its task line names it
  Incident h = first_of("70");
  CHECK(h.pid == 10045);
  CHECK(h.comm == "syz-executor5");
  CHECK(first_of("330").panicked);
}

TEST_CASE("incidents: reports of two tasks interleaved line by line keep their titles",
          "[incidents][corpus]") {
  // 655 (T3315) and 1000 (T31) print with caller ids; mixed line by line they must come apart.
  auto lines = [](const std::string& log) {
    std::vector<std::string> out;
    std::istringstream in(log);
    for (std::string l; std::getline(in, l);) out.push_back(l);
    return out;
  };
  auto a = lines(load("655").log), b = lines(load("1000").log);
  std::string mixed;
  for (size_t i = 0; i < std::max(a.size(), b.size()); ++i) {
    if (i < a.size()) mixed += a[i] + "\n";
    if (i < b.size()) mixed += b[i] + "\n";
  }
  auto found = incidents(mixed);
  std::vector<std::string> titles;
  for (const Incident& i : found) titles.push_back(i.title);
  INFO(Catch::Detail::stringify(titles));
  REQUIRE(found.size() >= 2);
  CHECK(std::count(titles.begin(), titles.end(), "WARNING: nested lock was not taken in evict") ==
        1);
  CHECK(std::count(titles.begin(), titles.end(), "INFO: task hung in read_cache_folio") == 1);
}
