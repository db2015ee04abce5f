#include "decode/pstore_incidents.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <tuple>

#include "decode/decode_output.h"
#include "incidents/incident_detector.h"
#include "incidents/incident_namer.h"
#include "incidents/incident_tracker.h"
#include "util/file_buffer.h"
#include "util/hex.h"

namespace klogd {
namespace {

namespace fs = std::filesystem;

// kdump's saved log, and ramoops' console record (the crashed boot's console output, when
// CONFIG_PSTORE_CONSOLE is on): "[seconds] text" lines, no header.
bool is_timed_log_name(std::string_view name) {
  return name == "vmcore-dmesg.txt" || (name.starts_with("dmesg.") && name != "dmesg.txt") ||
         name.starts_with("console-");
}

// The first bytes of a file, to tell a dump from what is not one (a vmcore of gigabytes).
bool starts_like_pstore(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) return false;
  char buf[64];
  ssize_t n = ::pread(fd, buf, sizeof buf, 0);
  ::close(fd);
  return n > 0 && looks_like_pstore(std::string_view(buf, static_cast<size_t>(n)));
}

void read_file(const fs::path& p, PstoreHarvest* h) {
  const std::string name = p.filename().string();
  const bool systemd_txt = name == "dmesg.txt";  // systemd-pstore's concatenation
  const bool kdump = is_timed_log_name(name);
  if (!systemd_txt && !kdump && !name.ends_with(".enc.z") && !starts_like_pstore(p.string()))
    return;  // not a dump
  FileBuffer fb;
  std::string err;
  if (!fb.load(p.string(), &err, kMaxPstoreText)) {
    h->problems.push_back(err);
    return;
  }
  ++h->files;
  const size_t before = h->dumps.size();
  if (systemd_txt) {
    for (PstoreRecord& r : parse_pstore_dmesg_txt(fb.view())) h->dumps.push_back(std::move(r));
  } else {
    PstoreRecord r;
    bool ok = kdump ? parse_kdump_dmesg(name, fb.view(), &r, &err)
                    : parse_pstore_record(name, fb.view(), &r, &err);
    if (ok) h->dumps.push_back(std::move(r));
    if (!err.empty()) h->problems.push_back(p.string() + ": " + err);
  }
  if (h->dumps.size() > before) h->dump_files.push_back(p.string());
}

}  // namespace

bool is_pstore_path(const std::string& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) return true;
  const std::string name = fs::path(path).filename().string();
  if (path.ends_with(".enc.z") || name == "dmesg.txt" || name == "vmcore-dmesg.txt") return true;
  return starts_like_pstore(path);
}

std::string pstore_dump_key(const PstoreRecord& d) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  auto add = [&](std::string_view s) {
    EVP_DigestUpdate(ctx, s.data(), s.size());
    EVP_DigestUpdate(ctx, "\n", 1);
  };
  add(d.name);
  add(d.reason + "#" + std::to_string(d.count));
  for (const PstoreLine& l : d.lines) {
    add(std::to_string(l.ts_usec) + " " + std::to_string(l.facility * 8 + l.level));
    add(l.text);
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  EVP_DigestFinal_ex(ctx, digest, &len);
  EVP_MD_CTX_free(ctx);
  return hex_bytes(digest, std::min<size_t>(16, len));
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
  std::string klogd_style;
  const bool keep = annotated_in_keep_style(annotator.options());
  for (const PstoreRecord& d : dumps) {
    IncidentDetector detector([&](CrashReport r) {
      Incident i = namer.name(r);
      auto at = [&](uint64_t n) -> const PstoreLine& { return d.lines[std::clamp<uint64_t>(n, 1, d.lines.size()) - 1]; };
      const uint64_t ts = at(r.first).ts_usec;
      if (!seen.insert({ts, i.title, i.fingerprint}).second) return;  // kept twice: once
      i.boot = "previous";
      found.push_back({std::move(i), ts, at(r.last).ts_usec});
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
      rl.kernel = l.facility == 0;
      detector.feed(rl);
    }
    detector.flush();
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
