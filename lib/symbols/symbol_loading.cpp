#include "symbols/symbol_loading.h"

#include <fcntl.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "symbols/kaslr.h"
#include "util/file_buffer.h"
#include "util/gzip_file.h"
#include "util/text.h"

namespace klogd {

std::string running_release(const KernelPaths& paths) {
  std::string rel, err;
  if (!paths.osrelease.empty() && read_small_file(paths.osrelease, &rel, &err)) {
    trim_right(&rel);
    return rel;
  }
  struct utsname u {};
  if (::uname(&u) == 0) return u.release;
  return {};
}

MapSearchOptions map_search_options(const SymbolOptions& o, Notes* notes) {
  const KernelPaths& p = o.paths;
  MapSearchOptions m;
  m.map_root = p.map_root;
  m.release = running_release(p);
  m.explicit_map = o.map_file;
  m.force = o.force_map;
  m.kallsyms_path = p.kallsyms;
  m.known_slide = o.kaslr_offset;
  m.hide_slide = o.hide_slide;
  // KASLR evidence for when kallsyms is hidden (select_map uses it only then).
  std::string text, err;
  std::string boot_config = p.boot_dir + "/config-" + m.release;
  if (read_small_file(p.cmdline, &text, &err) &&
      (" " + text).find(" nokaslr") != std::string::npos) {
    m.kaslr_disabled = true;
    m.no_kaslr_reason = "nokaslr on " + p.cmdline;
  } else if (read_gzip_file(p.config_gz, &text, &err) && config_disables_kaslr(text)) {
    m.kaslr_disabled = true;
    m.no_kaslr_reason = "CONFIG_RANDOMIZE_BASE unset in " + p.config_gz;
  } else if (read_small_file(boot_config, &text, &err) && config_disables_kaslr(text)) {
    m.kaslr_disabled = true;
    m.no_kaslr_reason = "CONFIG_RANDOMIZE_BASE unset in " + boot_config;
  }
  int fd = ::open(p.kcore.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    std::string header(16384, '\0');
    ssize_t n = ::read(fd, header.data(), header.size());
    ::close(fd);
    std::string why;
    if (n > 0) {
      header.resize(static_cast<size_t>(n));
      m.runtime_text = runtime_text_from_kcore(header, &why);
      if (!m.runtime_text) notes->debug(p.kcore + ": " + why);
    }
  }
  return m;
}

std::shared_ptr<const ModuleTable> load_modules(const KernelPaths& paths, Notes* notes,
                                                const std::string* kallsyms_lines) {
  auto table = std::make_shared<ModuleTable>();
  const std::string& mods = paths.modules;
  const std::string& syms = paths.kallsyms;
  std::string err;
  FileBuffer mods_text;
  if (kallsyms_lines) {
    if (!mods_text.load(mods, &err)) notes->debug("modules: " + err);
    table->load_text(mods_text.view(), *kallsyms_lines, mods, syms, &err);
  } else if (!table->load_files(mods, syms, &err)) {
    // One of them is missing (a container, a test's tree): use what there is.
    notes->debug("modules: " + err);
    std::string e2;
    if (!table->load_files(mods, "", &e2) && !table->load_files("", syms, &e2))
      notes->debug("modules: " + e2);
  }
  const auto& r = table->report();
  notes->info("modules: " + std::to_string(r.modules) + " modules, " + std::to_string(r.symbols) +
              " module text symbols from " + mods + " and " + syms);
  if (r.hidden_bases)
    notes->warn("modules: " + std::to_string(r.hidden_bases) + " module base addresses read 0 in " +
                mods +
                " (kptr_restrict or no CAP_SYSLOG): those modules' addresses stay untranslated");
  if (r.zero_addresses && r.symbols == 0)
    notes->warn(
        "modules: kallsyms shows zero addresses: module symbols unavailable, only module names "
        "and offsets can be given");
  for (const auto& b : r.first_bad) notes->warn("modules: skipped " + b);
  return table;
}

}  // namespace klogd
