#include "pstore/pstore_incidents.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <tuple>

#include "incidents/incident_detector.h"
#include "incidents/incident_feed.h"
#include "incidents/incident_namer.h"
#include "util/file_buffer.h"
#include "util/hex.h"
#include "util/sha256.h"

namespace klogd {
namespace {

namespace fs = std::filesystem;

// The first bytes of a file, to tell a dump from what is not one (a vmcore of gigabytes).
std::string head_of(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) return {};
  std::string buf(4096, '\0');
  ssize_t n = ::pread(fd, buf.data(), buf.size(), 0);
  ::close(fd);
  buf.resize(n > 0 ? static_cast<size_t>(n) : 0);
  return buf;
}

// What a file holds is read from its bytes: a record (plain or compressed), systemd-pstore's
// archive of records, or a timed log (kdump's, the console record's). Anything else is no dump.
void read_file(const fs::path& p, PstoreHarvest* h) {
  const std::string name = p.filename().string();
  const std::string head = head_of(p.string());
  DumpForm form = dump_form(head);
  if (form == DumpForm::kBinary) {
    std::string text, why;
    inflate_pstore(head, &text, &why);  // the head alone: cut short, but its start tells
    if (dump_form(text.substr(0, 4096)) != DumpForm::kPstoreRecord) return;
    form = DumpForm::kPstoreRecord;
  }
  if (form == DumpForm::kOtherText) return;
  FileBuffer fb;
  std::string err;
  if (!fb.load(p.string(), &err, kMaxPstoreText)) {
    h->problems.push_back(err);
    return;
  }
  ++h->files;
  const size_t before = h->dumps.size();
  if (form == DumpForm::kPstoreArchive) {
    for (PstoreRecord& r : parse_pstore_dmesg_txt(fb.view())) h->dumps.push_back(std::move(r));
  } else {
    PstoreRecord r;
    bool ok = form == DumpForm::kTimedLog ? parse_kdump_dmesg(name, fb.view(), &r, &err)
                                          : parse_pstore_record(name, fb.view(), &r, &err);
    if (ok) h->dumps.push_back(std::move(r));
    if (!err.empty()) h->problems.push_back(p.string() + ": " + err);
  }
  if (h->dumps.size() > before) h->dump_files.push_back(p.string());
}

}  // namespace

std::string pstore_dump_key(const PstoreRecord& d) {
  std::string in;
  auto add = [&](std::string_view s) {
    in.append(s);
    in.push_back('\n');
  };
  add(d.name);
  add(d.reason + "#" + std::to_string(d.count));
  for (const PstoreLine& l : d.lines) {
    add(std::to_string(l.ts_usec) + " " + std::to_string(l.facility * 8 + l.level));
    add(l.text);
  }
  const std::array<uint8_t, 32> digest = sha256(in);
  return hex_bytes(digest.data(), 16);
}

PstoreHarvest read_pstore(const std::string& path) {
  PstoreHarvest h;
  std::error_code ec;
  if (!fs::is_directory(path, ec)) {
    read_file(path, &h);
  } else {
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(path, ec)) {
      if (e.is_regular_file(ec) && !e.is_symlink(ec)) {
        files.push_back(e.path());
      } else if (e.is_directory(ec) && !e.is_symlink(ec)) {  // systemd-pstore's per-record folders
        for (const auto& f : fs::directory_iterator(e.path(), ec))
          if (f.is_regular_file(ec) && !f.is_symlink(ec)) files.push_back(f.path());
      }
    }
    if (ec) h.problems.push_back(path + ": " + ec.message());
    std::sort(files.begin(), files.end());
    for (const fs::path& f : files) read_file(f, &h);
  }
  h.dumps = join_pstore_dumps(std::move(h.dumps));
  return h;
}

std::vector<PstoreIncident> pstore_incidents_timed(const std::vector<PstoreRecord>& dumps,
                                                   const Annotator& annotator) {
  std::vector<PstoreIncident> found;
  std::set<std::tuple<uint64_t, std::string, std::string>> seen;
  IncidentNamer namer;
  const bool keep = annotated_in_keep_style(annotator.options());
  for (const PstoreRecord& d : dumps) {
    IncidentFeed feed(
        [&](CrashReport r) {
          Incident i = namer.name(r);
          auto at = [&](uint64_t n) -> const PstoreLine& {
            return d.lines[std::clamp<uint64_t>(n, 1, d.lines.size()) - 1];
          };
          const uint64_t ts = at(r.first).ts_usec;
          if (!seen.insert({ts, i.title, i.fingerprint}).second) return;  // kept twice: once
          i.boot = "previous";
          found.push_back({std::move(i), ts, at(r.last).ts_usec});
        },
        {}, keep);
    for (size_t k = 0; k < d.lines.size(); ++k) {
      const PstoreLine& l = d.lines[k];
      Annotation a = annotator.annotate(l.text);
      FeedLine fl;
      fl.text = a.text;
      fl.context = "console";
      fl.number = k + 1;
      fl.ts_usec = l.ts_usec;
      fl.kernel = l.facility == 0;
      if (l.has_level) fl.level = l.level;
      feed.feed(fl);
    }
    feed.flush();
  }
  std::stable_sort(found.begin(), found.end(),
                   [](const auto& a, const auto& b) { return a.first_usec < b.first_usec; });
  return found;
}

std::vector<Incident> pstore_incidents(const std::vector<PstoreRecord>& dumps,
                                       const Annotator& annotator) {
  std::vector<Incident> out;
  for (PstoreIncident& f : pstore_incidents_timed(dumps, annotator))
    out.push_back(std::move(f.incident));
  return out;
}

}  // namespace klogd
