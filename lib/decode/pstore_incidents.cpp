#include "decode/pstore_incidents.h"

#include <algorithm>
#include <filesystem>
#include <set>
#include <tuple>

#include "decode/decode_output.h"
#include "incidents/incident_detector.h"
#include "incidents/incident_namer.h"
#include "incidents/incident_tracker.h"
#include "util/file_buffer.h"

namespace klogd {
namespace {

namespace fs = std::filesystem;

void read_file(const fs::path& p, PstoreHarvest* h) {
  FileBuffer fb;
  std::string err;
  if (!fb.load(p.string(), &err)) {
    h->problems.push_back(err);
    return;
  }
  ++h->files;
  const std::string name = p.filename().string();
  if (name == "dmesg.txt") {  // systemd-pstore's concatenation
    for (PstoreRecord& r : parse_pstore_dmesg_txt(fb.view())) h->dumps.push_back(std::move(r));
    return;
  }
  if (!name.ends_with(".enc.z") && !looks_like_pstore(fb.view())) return;  // not a dump
  PstoreRecord r;
  if (parse_pstore_record(name, fb.view(), &r, &err)) h->dumps.push_back(std::move(r));
  if (!err.empty()) h->problems.push_back(p.string() + ": " + err);
}

}  // namespace

bool is_pstore_path(const std::string& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) return true;
  if (path.ends_with(".enc.z") || fs::path(path).filename() == "dmesg.txt") return true;
  FileBuffer fb;
  std::string err;
  return fb.load(path, &err) && looks_like_pstore(fb.view());
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

std::vector<Incident> pstore_incidents(const std::vector<PstoreRecord>& dumps,
                                       const Annotator& annotator) {
  std::vector<std::pair<uint64_t, Incident>> found;  // the first line's time, the incident
  std::set<std::tuple<uint64_t, std::string, std::string>> seen;
  IncidentNamer namer;
  std::string klogd_style;
  const bool keep = annotated_in_keep_style(annotator.options());
  for (const PstoreRecord& d : dumps) {
    IncidentDetector detector([&](CrashReport r) {
      Incident i = namer.name(r);
      const uint64_t ts = d.lines[r.first - 1].ts_usec;
      if (!seen.insert({ts, i.title, i.fingerprint}).second) return;  // kept twice: once
      i.boot = "previous";
      found.emplace_back(ts, std::move(i));
    });
    for (size_t k = 0; k < d.lines.size(); ++k) {
      const PstoreLine& l = d.lines[k];
      Annotation a = annotator.annotate(l.text);
      std::string_view text = a.text;
      if (keep) {
        klogd_style.clear();
        klogd_style_text(a.text, &klogd_style);
        text = klogd_style;
      }
      ReportLine rl;
      rl.text = text;
      rl.context = "console";
      rl.number = k + 1;
      rl.ts_usec = l.ts_usec;
      detector.feed(rl);
    }
    detector.flush();
  }
  std::stable_sort(found.begin(), found.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<Incident> out;
  for (auto& f : found) out.push_back(std::move(f.second));
  return out;
}

}  // namespace klogd
