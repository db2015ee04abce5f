#include "symbols/debuginfo_search.h"

#include <algorithm>
#include <filesystem>

#include "symbols/debug_info.h"

namespace klogd {
namespace {

namespace fs = std::filesystem;

bool is_file(const std::string& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec);
}

// A module's debug file, NAME.ko or NAME.ko.debug, if it is one still wanted.
void consider(const fs::path& p, const std::set<std::string>& wanted, DebugFiles* out) {
  const std::string name = p.filename().string();
  for (std::string_view ext : {".ko.debug", ".ko"}) {
    if (!name.ends_with(ext)) continue;
    std::string key = module_key(name.substr(0, name.size() - ext.size()));
    if (wanted.count(key) && !out->modules.count(key)) out->modules[key] = p.string();
    return;
  }
}

// The modules' debug files in `dir`, and in its sub-folders when `deep` (no symbolic link
// followed).
void find_modules(const std::string& dir, const std::set<std::string>& wanted, DebugFiles* out,
                  bool deep = true) {
  std::error_code ec;
  if (wanted.empty() || !fs::is_directory(dir, ec)) return;
  if (!deep) {
    for (const auto& e : fs::directory_iterator(dir, ec))
      if (e.is_regular_file(ec)) consider(e.path(), wanted, out);
    return;
  }
  for (auto it = fs::recursive_directory_iterator(dir, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
    if (it->is_regular_file(ec)) consider(it->path(), wanted, out);
}

}  // namespace

std::string release_in_log(std::string_view log) {
  std::string from_report;
  size_t at = 0;
  while (at < log.size()) {
    size_t end = log.find('\n', at);
    if (end == std::string_view::npos) end = log.size();
    std::string_view l = log.substr(at, end - at);
    at = end + 1;
    if (size_t v = l.find("Linux version "); v != std::string_view::npos) {
      std::string_view r = l.substr(v + 14);
      r = r.substr(0, r.find(' '));
      if (!r.empty()) return std::string(r);
    }
    // "CPU: 0 PID: 1 Comm: init Tainted: G  OE  6.1.0-56-amd64 #1": the word before " #"
    if (from_report.empty() && l.find(" Comm: ") != std::string_view::npos) {
      size_t hash = l.find(" #", l.find(" Comm: "));
      if (hash == std::string_view::npos) continue;
      size_t start = l.rfind(' ', hash - 1);
      if (start != std::string_view::npos && start + 1 < hash)
        from_report.assign(l.substr(start + 1, hash - start - 1));
    }
  }
  return from_report;
}

DebugFiles find_debug_files(const std::string& release, const std::set<std::string>& modules,
                            const std::string& root) {
  DebugFiles out;
  if (release.empty()) return out;
  for (const std::string& c :
       {root + "/usr/lib/debug/boot/vmlinux-" + release,
        root + "/usr/lib/debug/lib/modules/" + release + "/vmlinux", root + "/boot/vmlinux-" + release,
        root + "/lib/modules/" + release + "/build/vmlinux"}) {
    out.looked.push_back(c);
    if (out.vmlinux.empty() && is_file(c)) out.vmlinux = c;
  }
  std::set<std::string> wanted;
  for (const std::string& m : modules) wanted.insert(module_key(m));
  find_modules(root + "/usr/lib/debug/lib/modules/" + release, wanted, &out);
  find_modules(root + "/lib/modules/" + release, wanted, &out);
  return out;
}

DebugFiles find_debug_files_in(const std::string& folder, const std::string& release,
                               const std::set<std::string>& modules) {
  DebugFiles out;
  std::vector<std::string> candidates;
  if (!release.empty())
    candidates = {folder + "/boot/vmlinux-" + release,
                  folder + "/lib/modules/" + release + "/vmlinux", folder + "/vmlinux-" + release};
  candidates.push_back(folder + "/vmlinux");
  for (const std::string& c : candidates) {
    out.looked.push_back(c);
    if (out.vmlinux.empty() && is_file(c)) out.vmlinux = c;
  }
  std::set<std::string> wanted;
  for (const std::string& m : modules) wanted.insert(module_key(m));
  if (!release.empty()) find_modules(folder + "/lib/modules/" + release, wanted, &out);
  find_modules(folder, wanted, &out, /*deep=*/false);  // a flat folder of files
  return out;
}

}  // namespace klogd
