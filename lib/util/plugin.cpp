#include "util/plugin.h"

#include <dlfcn.h>

#include <map>
#include <mutex>

namespace klogd {
namespace {

struct Loaded {
  void* handle = nullptr;
  std::string error;  // why it could not be loaded (said once, then again on each ask)
};

std::mutex mu;
std::map<std::string, Loaded>& plugins() {
  static std::map<std::string, Loaded> m;
  return m;
}

// The plugin, loaded on first use; null handle (with its error) when it cannot be. Under mu.
Loaded& loaded(const char* name) {
  auto [it, fresh] = plugins().try_emplace(name);
  Loaded& p = it->second;
  const std::string file = std::string("libklogd-") + name + ".so";
  if (fresh) {
    p.handle = ::dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!p.handle) {
      const char* why = ::dlerror();
      p.error = "the " + std::string(name) + " plugin (" + file +
                ") cannot be loaded: " + (why ? why : "?");
    }
  }
  return p;
}

}  // namespace

bool load_plugin(const char* name, std::string* err) {
  std::lock_guard<std::mutex> l(mu);
  const Loaded& p = loaded(name);
  if (!p.handle) *err = p.error;
  return p.handle != nullptr;
}

void* plugin_symbol(const char* name, const char* symbol, std::string* err) {
  std::lock_guard<std::mutex> l(mu);
  const Loaded& p = loaded(name);
  const std::string file = std::string("libklogd-") + name + ".so";
  if (!p.handle) {
    *err = p.error;
    return nullptr;
  }
  void* s = ::dlsym(p.handle, symbol);
  if (!s) *err = file + ": no " + symbol;
  return s;
}

bool plugin_loaded(const char* name) {
  std::lock_guard<std::mutex> l(mu);
  auto it = plugins().find(name);
  return it != plugins().end() && it->second.handle;
}

}  // namespace klogd
