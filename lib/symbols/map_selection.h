#pragma once
/// Chooses the System.map for the running kernel, checks it, and finds the KASLR slide.
///
/// Candidates, tried in this order, duplicates dropped (RELEASE = uname -r), all under `map_root`:
///   klogd 1.5:  /boot/System.map-RELEASE, /boot/System.map, /System.map-RELEASE, /System.map,
///               /usr/src/linux/System.map-RELEASE, /usr/src/linux/System.map
///   ps (procps): /lib/modules/RELEASE/System.map (the rest of its list is above)
///   Debian:     /usr/lib/debug/boot/System.map-RELEASE (linux-image-*-dbg; /boot holds a
///               placeholder)
/// `-k FILE` replaces the list with that one file, still checked; a failed check is an error
/// unless forced.
///
/// Choice, best first: a map that passes the content check against kallsyms; kallsyms itself
/// when it shows real addresses; a map whose name carries the release (kallsyms hidden); a
/// plain map with a matching Version_NNNNN symbol; an unverified map (used only when nothing
/// better exists; its lines are marked). Every candidate is logged with its verdict.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "symbols/map_check.h"
#include "symbols/symbol_table.h"
#include "symbols/symbolizer.h"

namespace klogd {

struct MapSearchOptions {
  std::string map_root;                          ///< prefix of every candidate ("" = /)
  std::string release;                           ///< uname -r (the caller fills it)
  std::string explicit_map;                      ///< -k FILE ("" = search)
  bool force = false;                            ///< use -k FILE even when its check fails
  std::string kallsyms_path = "/proc/kallsyms";  ///< "" = do not read kallsyms
  bool use_kallsyms_fallback = true;             ///< take kallsyms itself when no map is verified
  std::optional<int64_t>
      known_slide;  ///< --kaslr-offset or other evidence, when kallsyms is hidden
  std::optional<uint64_t> runtime_text;  ///< _text's runtime address from /proc/kcore
  std::string no_kaslr_reason;           ///< why KASLR is known to be off (kaslr_disabled)
  bool kaslr_disabled = false;  ///< nokaslr / RANDOMIZE_BASE unset: slide 0 without evidence
  /// --hide-addresses: verdicts and the report say "(hidden)" for the slide and mask the
  /// addresses a check names.
  bool hide_slide = false;
};

struct CandidateVerdict {
  std::string path;
  bool exists = false;
  std::string verdict;  ///< one line: why taken or refused
};

enum class MapTrust { kContent, kKallsyms, kReleaseName, kVersionSymbol, kUnverified, kNone };
std::string_view to_string(MapTrust t);

struct MapSelection {
  std::vector<CandidateVerdict> candidates;
  std::string chosen;  ///< path of the table used ("" = none)
  MapTrust trust = MapTrust::kNone;
  std::string check;             ///< what check was done and its numbers
  std::optional<int64_t> slide;  ///< nullopt: unknown (core addresses will not be named)
  std::string slide_source;
  bool kallsyms_real = false;
  bool kallsyms_hidden = false;  ///< kallsyms was there, every address 0 (kptr_restrict)
  std::string kallsyms_note;     ///< why kallsyms could not be used, if so
  double check_ms = 0;           ///< time spent loading and checking
  bool hide_slide = false;       ///< from MapSearchOptions: report() hides slide and addresses
  std::shared_ptr<const SymbolTable> table;
  std::shared_ptr<const SymbolTable> kallsyms;  ///< loaded kallsyms core table, when real

  bool verified() const { return trust == MapTrust::kContent || trust == MapTrust::kKallsyms; }
  /// CoreSymbols for the Symbolizer (null table when nothing was chosen).
  CoreSymbols core() const;
  /// A multi-line human report (klogd --check-map).
  std::string report() const;
};

/// The candidate list for a release, in order, without duplicates, prefixed by root.
std::vector<std::string> map_candidates(const std::string& root, const std::string& release);

/// Runs the search. False (with *err) only when -k FILE was given and cannot be used.
bool select_map(const MapSearchOptions& options, MapSelection* out, std::string* err);

}  // namespace klogd
