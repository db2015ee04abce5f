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
  if (!name.ends_with(".ko") && !name.ends_with(".ko.debug")) return;
  const std::string key = module_key(module_of_debug_file(name));
  if (wanted.count(key) && !out->modules.count(key)) out->modules[key] = p.string();
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

std::vector<std::string> debug_file_candidates(const std::vector<std::string>& named,
                                               const std::string& release,
                                               const std::string& module, const std::string& root,
                                               std::vector<std::string>* looked) {
  std::vector<std::string> out;
  const std::set<std::string> modules =
      module.empty() ? std::set<std::string>{} : std::set<std::string>{module_key(module)};
  auto take = [&](const DebugFiles& found) {
    if (module.empty() && !found.vmlinux.empty()) out.push_back(found.vmlinux);
    if (!module.empty())
      if (auto it = found.modules.find(module_key(module)); it != found.modules.end())
        out.push_back(it->second);
    if (module.empty() && looked) looked->insert(looked->end(), found.looked.begin(), found.looked.end());
  };
  for (const std::string& p : named) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      take(find_debug_files_in(p, release, modules));
    } else if (module_key(module_of_debug_file(p)) == module_key(module)) {
      out.push_back(p);
      if (module.empty() && looked) looked->push_back(p);
    }
  }
  if (named.empty()) take(find_debug_files(release, modules, root));
  return out;
}

}  // namespace klogd
