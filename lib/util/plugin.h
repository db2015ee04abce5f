#pragma once
/// klogd's optional parts, each a shared object of its own (libklogd-NAME.so, in klogd's private
/// folder: the binary's RUNPATH), loaded the first time its feature is used, as systemd loads
/// its optional libraries (dlopen): a daemon whose configuration never uses a feature maps
/// neither the plugin nor the libraries it brings (libdw and libdebuginfod's libcurl, GnuTLS,
/// Kerberos...; OpenSSL's libssl). A plugin that cannot be loaded (its library not installed) is
/// a clear message, said once, and that feature off; nothing else fails.
///   debuginfo  DebugInfo (source lines) and debuginfod fetches: plugins/debuginfo
///   tls        the tls:// transport: plugins/tls
/// Thread-safe: each plugin is loaded once, whichever thread asks first.

#include <string>

namespace klogd {

/// The address of `symbol` in plugin `name`, loading it if it is not yet; null with *err
/// ("the debuginfo plugin (libklogd-debuginfo.so) cannot be loaded: ...").
void* plugin_symbol(const char* name, const char* symbol, std::string* err);

/// Loads plugin `name` now (the daemon, as root, for what its configuration will use: the
/// plugin's folder need not be readable by --user). False with *err as plugin_symbol's.
bool load_plugin(const char* name, std::string* err);

/// Whether plugin `name` is loaded (tests: the footprint of what was not asked for).
bool plugin_loaded(const char* name);

}  // namespace klogd
