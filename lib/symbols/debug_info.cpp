#include "symbols/debug_info.h"

#include <algorithm>
#include <array>

#include "util/plugin.h"
#include "util/text.h"

namespace klogd {
namespace {

constexpr std::array<std::string_view, 22> kTopFolders = {
    "arch",     "block",    "certs",  "crypto", "drivers", "fs",  "include", "init",
    "io_uring", "ipc",      "kernel", "lib",    "mm",      "net", "rust",    "samples",
    "scripts",  "security", "sound",  "tools",  "usr",     "virt"};

bool is_top_folder(std::string_view c) {
  for (std::string_view t : kTopFolders)
    if (c == t) return true;
  return false;
}

}  // namespace

std::string kernel_tree_path(std::string_view path) {
  const std::vector<std::string_view> parts = normal_path_parts(path);
  size_t from = 0;
  bool found = false;
  for (size_t i = 0; i + 1 < parts.size(); ++i)
    if (is_top_folder(parts[i])) {
      from = i;
      found = true;
      break;
    }
  std::string out = !found && path.starts_with('/') ? "/" : "";
  for (size_t i = from; i < parts.size(); ++i) {
    if (!out.empty() && out.back() != '/') out.push_back('/');
    out.append(parts[i]);
  }
  return out;
}

std::string module_of_debug_file(std::string_view path) {
  const std::string_view file = path.substr(path.rfind('/') + 1);
  const size_t ko = file.find(".ko");
  return ko == std::string_view::npos ? "" : std::string(file.substr(0, ko));
}

std::string module_key(std::string_view name) {
  std::string m(name);
  std::replace(m.begin(), m.end(), '-', '_');
  return m;
}

std::unique_ptr<DebugInfo> DebugInfo::open(const std::string& path, std::string* err) {
  using Open = DebugInfo* (*)(const std::string& path, std::string* err);
  auto open = reinterpret_cast<Open>(plugin_symbol(kDebuginfoPlugin, "klogd_debuginfo_open", err));
  if (!open) return nullptr;
  return std::unique_ptr<DebugInfo>(open(path, err));
}

}  // namespace klogd
