#pragma once
/// Offline decoding of a saved kernel log (klogd --decode), the successor of ksymoops: the
/// symbols of the crashed machine, loaded from the files named, checked against the log.
///
/// The whole input is read before anything is written: the panic prints "Kernel Offset:" last.
/// Evidence for the KASLR slide, strongest first (the one used is reported):
///   --kaslr-offset; the supplied kallsyms (_text against the map's _text); the log's own
///   "Kernel Offset:" line ("disabled" = 0); "nokaslr" on the log's "Command line:"; same-line
///   pairs of a raw address and the symbol the kernel printed for it (pre-4.x traces).
/// Version check: with kallsyms, the content check; without, every core symbol the kernel
/// printed ("name+0xOFF/0xSIZE") must be in the map with that size; the log's "Linux version R"
/// against a release in the map's file name. A wrong map is refused, naming a symbol that
/// disagrees.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "symbols/symbolizer.h"

namespace klogd {

struct DecodeInputs {
  std::string map_path;       ///< -k
  std::string kallsyms_path;  ///< --kallsyms
  std::string modules_path;   ///< --modules
  std::optional<int64_t> kaslr_offset;
  bool force = false;       ///< use a map that fails its check
  bool hide_slide = false;  ///< --hide-addresses: the notes say "slide (hidden)"
};

/// What prepare_decode found out; `notes` are for stderr.
struct DecodeSetup {
  Symbolizer symbolizer;
  std::vector<std::string> notes;
  std::string slide_source;
};

/// Loads the files, weighs the evidence in the log, checks the map. False with *err when a file
/// cannot be used or the map is refused.
bool prepare_decode(const DecodeInputs& in, std::string_view log, DecodeSetup* setup,
                    std::string* err);

}  // namespace klogd
