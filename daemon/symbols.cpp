#include "symbols.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "util/file_buffer.h"
#include "symbols/kaslr.h"
#include "util/gzip_file.h"
#include "util/text.h"

namespace klogd {

std::string running_release(const Options& o) {
  std::string rel;
  std::string err;
  if (!o.root.empty() && read_small_file(o.root + "/proc/sys/kernel/osrelease", &rel, &err)) {
    trim_right(&rel);
    return rel;
  }
  struct utsname u {};
  if (::uname(&u) == 0) return u.release;
  return {};
}

std::string kallsyms_path(const Options& o) {
  return o.kallsyms_file.empty() ? o.root + "/proc/kallsyms" : o.kallsyms_file;
}

std::string modules_path(const Options& o) {
  return o.modules_file.empty() ? o.root + "/proc/modules" : o.modules_file;
}

MapSearchOptions map_search_options(const Options& o) {
  MapSearchOptions m;
  m.root = o.root;
  m.release = running_release(o);
  m.explicit_map = o.map_file;
  m.force = o.force_map;
  // select_map prefixes root itself; an explicit --kallsyms file is used as given.
  m.kallsyms_path = o.kallsyms_file.empty() ? "/proc/kallsyms" : o.kallsyms_file;
  if (!o.kallsyms_file.empty()) m.root_for_kallsyms = false;
  m.known_slide = o.kaslr_offset;
  // KASLR evidence for when kallsyms is hidden (select_map uses it only then).
  std::string text, err;
  if (read_small_file(o.root + "/proc/cmdline", &text, &err) &&
      (" " + text).find(" nokaslr") != std::string::npos) {
    m.kaslr_disabled = true;
    m.no_kaslr_reason = "nokaslr on /proc/cmdline";
  } else if (read_gzip_file(o.root + "/proc/config.gz", &text, &err) &&
             config_disables_kaslr(text)) {
    m.kaslr_disabled = true;
    m.no_kaslr_reason = "CONFIG_RANDOMIZE_BASE unset in /proc/config.gz";
  } else if (read_small_file(o.root + "/boot/config-" + m.release, &text, &err) &&
             config_disables_kaslr(text)) {
    m.kaslr_disabled = true;
    m.no_kaslr_reason = "CONFIG_RANDOMIZE_BASE unset in /boot/config-" + m.release;
  }
  int fd = ::open((o.root + "/proc/kcore").c_str(), O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    std::string header(16384, '\0');
    ssize_t n = ::read(fd, header.data(), header.size());
    ::close(fd);
    std::string why;
    if (n > 0) {
      header.resize(static_cast<size_t>(n));
      m.runtime_text = runtime_text_from_kcore(header, &why);
      if (!m.runtime_text) spdlog::debug("/proc/kcore: {}", why);
    }
  }
  return m;
}

AnnotatorOptions annotator_options(const Options& o) {
  AnnotatorOptions ao;
  ao.style = o.no_translate      ? AnnotationStyle::kNone
             : o.style == "keep" ? AnnotationStyle::kKeep
                                 : AnnotationStyle::kKlogd;
  ao.registers = o.registers;
  ao.hide_addresses = o.hide_addresses;
  return ao;
}

std::shared_ptr<const ModuleTable> load_modules(const Options& o, bool quiet,
                                                const std::string* kallsyms_lines) {
  auto table = std::make_shared<ModuleTable>();
  std::string mods = modules_path(o), syms = kallsyms_path(o);
  std::string err;
  FileBuffer mods_text;
  if (kallsyms_lines) {
    if (!mods_text.load(mods, &err) && !quiet) spdlog::debug("modules: {}", err);
    table->load_text(mods_text.view(), *kallsyms_lines, mods, syms, &err);
  } else if (!table->load_files(mods, syms, &err)) {
    // One of them is missing (a container, a test root): use what there is.
    if (!quiet) spdlog::debug("modules: {}", err);
    std::string e2;
    if (!table->load_files(mods, "", &e2) && !table->load_files("", syms, &e2) && !quiet)
      spdlog::debug("modules: {}", e2);
  }
  const auto& r = table->report();
  if (!quiet) {
    spdlog::info("modules: {} modules, {} module text symbols from {} and {}", r.modules, r.symbols,
                 mods, syms);
    if (r.hidden_bases)
      spdlog::warn(
          "modules: {} module base addresses read 0 in {} (kptr_restrict or no "
          "CAP_SYSLOG): those modules' addresses stay untranslated",
          r.hidden_bases, mods);
    if (r.zero_addresses && r.symbols == 0)
      spdlog::warn(
          "modules: kallsyms shows zero addresses: module symbols unavailable, only "
          "module names and offsets can be given");
    for (const auto& b : r.first_bad) spdlog::warn("modules: skipped {}", b);
  }
  return table;
}

}  // namespace klogd
