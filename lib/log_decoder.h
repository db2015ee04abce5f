#pragma once
/// Offline decoding of a saved kernel log (klogd --decode): the successor of ksymoops.
///
/// Input forms, detected per line: raw /dev/kmsg records ("prio,seq,ts,flags;text" and their
/// " KEY=value" lines), dmesg ("[    2.395438] text", also with a "[    T1]" caller field and
/// dmesg -T's "[Fri Nov 27 17:14:58 2026] text"), syslog and journalctl -k
/// ("Nov 25 02:00:00 host kernel: text"), serial console captures (stray '\r' removed), and bare
/// text. The prefix is kept as it was; only the message text is annotated.
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

#include "annotate/annotator.h"
#include "symbols/symbolizer.h"

namespace klogd {

struct LogLine {
  enum class Form { kKmsgRecord, kKmsgDictionary, kDmesg, kSyslog, kBare };
  Form form = Form::kBare;
  std::string_view prefix;  ///< kept unchanged
  std::string_view text;    ///< the message, annotated
};

/// Splits one line (without '\n'; a trailing '\r' already removed). `after_kmsg_record` says the
/// previous line was a raw record, so " KEY=value" is its dictionary.
LogLine split_log_line(std::string_view line, bool after_kmsg_record);

struct DecodeInputs {
  std::string map_path;       ///< -k
  std::string kallsyms_path;  ///< --kallsyms
  std::string modules_path;   ///< --modules
  std::optional<int64_t> kaslr_offset;
  bool force = false;  ///< use a map that fails its check
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

struct DecodeOutput {
  bool twice = false;  ///< -2: translated line, then the original
  bool json = false;   ///< one JSON object per input line
};

/// Annotates the whole log and appends the result to *out.
void decode_log(std::string_view log, const Annotator& annotator, const DecodeOutput& how,
                std::string* out);

}  // namespace klogd
