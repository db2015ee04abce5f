// The journal plugin: sd-journal (libsystemd) for klogd incidents (life/journal_reader.h).
#include <systemd/sd-journal.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "life/journal_reader.h"

namespace {

struct Closer {
  void operator()(sd_journal* j) const { sd_journal_close(j); }
};
using Journal = std::unique_ptr<sd_journal, Closer>;

std::string why(int r) { return std::strerror(r < 0 ? -r : r); }

Journal open(const klogd::JournalPlace& p, std::string* err) {
  sd_journal* j = nullptr;
  int r = 0;
  if (!p.directory.empty())
    r = sd_journal_open_directory(&j, p.directory.c_str(), 0);
  else if (!p.name_space.empty())
    r = sd_journal_open_namespace(&j, p.name_space.c_str(), SD_JOURNAL_LOCAL_ONLY);
  else
    r = sd_journal_open(&j, SD_JOURNAL_LOCAL_ONLY | SD_JOURNAL_SYSTEM);
  if (r < 0) {
    *err = "cannot open the journal" +
           (p.directory.empty() ? std::string() : " in " + p.directory) + ": " + why(r);
    return nullptr;
  }
  return Journal(j);
}

// The current entry; false when it cannot be read (a damaged file).
bool entry(sd_journal* j, klogd::JournalEntry* e) {
  uint64_t t = 0;
  sd_id128_t boot{};
  if (sd_journal_get_realtime_usec(j, &t) < 0) return false;
  e->realtime_usec = t;
  if (sd_journal_get_monotonic_usec(j, nullptr, &boot) >= 0) {
    char s[SD_ID128_STRING_MAX];
    e->boot_id = sd_id128_to_string(boot, s);
  }
  char* c = nullptr;
  if (sd_journal_get_cursor(j, &c) >= 0) {
    e->cursor = c;
    free(c);
  }
  const void* data = nullptr;
  size_t len = 0;
  sd_journal_restart_data(j);
  while (sd_journal_enumerate_data(j, &data, &len) > 0) {
    std::string_view d(static_cast<const char*>(data), len);
    const size_t eq = d.find('=');
    if (eq == std::string_view::npos || d.front() == '_') continue;  // trusted fields: not ours
    e->fields.emplace_back(std::string(d.substr(0, eq)), std::string(d.substr(eq + 1)));
  }
  return true;
}

}  // namespace

extern "C" __attribute__((visibility("default"))) bool klogd_journal_read(
    const klogd::JournalRead& q, std::vector<klogd::JournalEntry>* out,
    std::vector<std::string>* problems, std::string* err) {
  Journal j = open(q.place, err);
  if (!j) return false;
  sd_journal_set_data_threshold(j.get(), 0);
  for (const std::string& m : q.matches) {
    int r = sd_journal_add_match(j.get(), m.data(), m.size());
    if (r < 0) {
      *err = "journal match " + m + ": " + why(r);
      return false;
    }
  }
  int r = q.since_usec ? sd_journal_seek_realtime_usec(j.get(), q.since_usec)
                       : sd_journal_seek_head(j.get());
  if (r < 0) {
    *err = "cannot read the journal: " + why(r);
    return false;
  }
  size_t bad = 0;
  while ((r = sd_journal_next(j.get())) != 0) {
    if (r < 0) {  // a damaged file: what it holds after this point is lost, the rest is read
      problems->push_back("the journal: " + why(r) + " (a damaged file; entries after it skipped)");
      break;
    }
    klogd::JournalEntry e;
    if (!entry(j.get(), &e)) {
      ++bad;
      continue;
    }
    if (e.realtime_usec < q.since_usec) continue;
    if (e.realtime_usec > q.until_usec) break;
    out->push_back(std::move(e));
  }
  if (bad) problems->push_back(std::to_string(bad) + " journal entries could not be read");
  return true;
}

extern "C" __attribute__((visibility("default"))) bool klogd_journal_boots(
    const klogd::JournalPlace& place, std::vector<klogd::JournalBoot>* out, std::string* err) {
  Journal j = open(place, err);
  if (!j) return false;
  int r = sd_journal_query_unique(j.get(), "_BOOT_ID");
  if (r < 0) {
    *err = "cannot list the journal's boots: " + why(r);
    return false;
  }
  std::vector<std::string> ids;
  const void* data = nullptr;
  size_t len = 0;
  SD_JOURNAL_FOREACH_UNIQUE(j.get(), data, len) {
    std::string_view d(static_cast<const char*>(data), len);
    if (d.size() == 9 + 32 && d.substr(0, 9) == "_BOOT_ID=") ids.emplace_back(d.substr(9));
  }
  for (const std::string& id : ids) {
    sd_journal_flush_matches(j.get());
    const std::string m = "_BOOT_ID=" + id;
    sd_journal_add_match(j.get(), m.data(), m.size());
    klogd::JournalBoot b;
    b.id = id;
    uint64_t t = 0;
    if (sd_journal_seek_head(j.get()) >= 0 && sd_journal_next(j.get()) > 0 &&
        sd_journal_get_realtime_usec(j.get(), &t) >= 0)
      b.first_usec = t;
    if (sd_journal_seek_tail(j.get()) >= 0 && sd_journal_previous(j.get()) > 0 &&
        sd_journal_get_realtime_usec(j.get(), &t) >= 0)
      b.last_usec = t;
    out->push_back(b);
  }
  return true;
}

extern "C" __attribute__((visibility("default"))) bool klogd_journal_before(
    const klogd::JournalPlace& place, const std::string& cursor, const std::string& boot_id,
    size_t max, std::vector<klogd::JournalEntry>* out, std::string* err) {
  Journal j = open(place, err);
  if (!j) return false;
  sd_journal_set_data_threshold(j.get(), 0);
  const std::string m = "_BOOT_ID=" + boot_id;
  sd_journal_add_match(j.get(), m.data(), m.size());
  int r = sd_journal_seek_cursor(j.get(), cursor.c_str());
  if (r < 0 || (r = sd_journal_next(j.get())) <= 0) {
    *err = "the journal no longer has the incident's entry";
    return false;
  }
  while (out->size() < max && sd_journal_previous(j.get()) > 0) {
    klogd::JournalEntry e;
    if (entry(j.get(), &e)) out->push_back(std::move(e));
  }
  return true;
}
