#pragma once
/// Which MAINTAINERS file incidents are told with: --maintainers FILE, else the kernel source
/// tree of the release where distributions and `make modules_install` put it
/// (/lib/modules/R/source, /lib/modules/R/build, /usr/src/linux-R), else none.

#include <memory>
#include <string>

#include "incidents/maintainers.h"
#include "life/config.h"

namespace klogd {

/// The file to use: null when there is none to use. False (a message said) only when the file
/// --maintainers named cannot be used; one found by looking that cannot be is said and skipped.
bool maintainers_for(const Config& c, const std::string& release,
                     std::shared_ptr<const Maintainers>* out);

}  // namespace klogd
