#include "util/demangle.h"

#include <libiberty/demangle.h>

#include <cstdlib>
#include <memory>

namespace klogd {

bool looks_mangled(std::string_view name) {
  return name.size() > 2 && name[0] == '_' && (name[1] == 'R' || name[1] == 'Z');
}

namespace {

std::string demangled(std::string_view name, int options) {
  if (!looks_mangled(name)) return std::string(name);
  const std::string z(name);  // the demangler reads a C string
  std::unique_ptr<char, decltype(&std::free)> out(cplus_demangle(z.c_str(), options), &std::free);
  return out ? std::string(out.get()) : z;
}

}  // namespace

std::string demangle(std::string_view name) { return demangled(name, DMGL_PARAMS | DMGL_AUTO); }

std::string demangle_name(std::string_view name) { return demangled(name, DMGL_AUTO); }

}  // namespace klogd
