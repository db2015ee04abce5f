// klogd --check-map: the map search and its check, printed; exit 0 only for a verified map.
#include <iostream>

#include "life/modes.h"
#include "symbols/map_selection.h"
#include "util/address_mask.h"
#include "util/kernel_access.h"

namespace klogd {

int run_check_map(const Config& c) {
  MapSelection sel;
  std::string err;
  Notes notes;
  MapSearchOptions m = map_search_options(c.symbols, &notes);
  bool ok = select_map(m, &sel, &err);
  if (sel.kallsyms_hidden) sel.kallsyms_note += " (" + kernel_pointer_access_hint() + ")";
  std::cout << "release: " << m.release << "\n" << sel.report();
  if (!ok)
    std::cout << "error: " << (c.hide_addresses ? masked_kernel_addresses(err) : err) << "\n";
  return ok && sel.verified() ? 0 : 1;
}

}  // namespace klogd
