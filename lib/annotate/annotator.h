#pragma once
/// Finds kernel addresses in one line of kernel log text and rewrites them with symbol names.
/// The daemon's live path and `klogd --decode` use this same class.
///
/// Address forms recognized (see README "Annotation formats"):
///   [<ffffffff81234567>]     the classic form; 1-16 hex digits; exact lookup (%pS)
///   0xffffffff81234567        "0x" + exactly 16 hex digits (what %pS/%pB print on a kernel
///                            without kallsyms). In a stack trace entry, i.e. a text holding only
///                            "0x..." or "? 0x...", it is a return address: the symbol of
///                            address - 1 is printed with offset + 1 (the kernel's %pB).
///                            Elsewhere (RIP: 0010:0x..., WARNING ... at f.c:29 0x...) exact.
///   RAX: ffffffff9d2d4448    a register value in an oops dump (optional): the line is left as
///                            it is and a note is appended: "  {R11: sym+0x8/0x40}".
/// A "Kernel Offset:" line (the panic's statement of the slide) is never rewritten.
/// An address is rewritten only when the symbolizer resolves it, i.e. it lies in core-kernel text
/// or a known module's text: user-space, data and stack addresses are never named, and text the
/// kernel already symbolized has no such token and passes through unchanged.
///
/// Styles:
///   kKlogd  [<A>] -> [sym+0xOFF/0xSIZE] exactly as sysklogd's klogd ("%s+0x%x/0x%02x]"), module
///           symbols as [mod:sym+0xOFF/0xSIZE]; 0x-form -> sym+0xOFF/0xSIZE [mod], byte for byte
///           what a kallsyms kernel prints.
///   kKeep   non-destructive: the address stays and the name follows it in parentheses:
///           [<A>] (sym+0xOFF/0xSIZE), 0xA (sym+0xOFF/0xSIZE [mod]).
///   kNone   klogd's -x: nothing is translated.
/// Module addresses with no symbol known print as [mod+0xOFF] (klogd style) / (mod+0xOFF).
/// With `hide_addresses`, kKeep drops the address too (it prints like kKlogd), and then every
/// kernel-space value left in the line, in any form (an address nothing resolved, a register's
/// value, a bare word in a dump, the panic's Kernel Offset), is masked by
/// mask_kernel_addresses() (util/address_mask.h). Everything of a record that is written
/// anywhere is hidden through this class: annotate() for the text, hide() for the rest (a
/// dictionary value, a malformed record's bytes, --decode's dictionary lines).
/// An Annotator is immutable after construction and may be shared between threads.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "symbols/symbolizer.h"

namespace klogd {

enum class AnnotationStyle { kKlogd, kKeep, kNone };

struct AnnotatorOptions {
  AnnotationStyle style = AnnotationStyle::kKlogd;
  bool registers = false;       ///< annotate register values in oops dumps
  bool hide_addresses = false;  ///< never print a kernel address (see above)
  bool mark_unverified = true;  ///< append kUnverifiedMark when the map is unverified
  int kernel_bits = 64;         ///< 32: 8-digit values are kernel addresses too (hiding)
};

/// Appended to a line translated with a map that could not be verified.
inline constexpr std::string_view kUnverifiedMark = " (klogd: unverified map)";

/// One address the annotator found, resolved or not.
struct FoundAddress {
  uint64_t address = 0;
  bool resolved = false;
  bool return_address = false;  ///< looked up as a return address (%pB)
  std::string symbol;           ///< empty when unresolved or module-range only
  std::string module;
  uint64_t offset = 0;
  uint64_t size = 0;
  ResolvedVia via = ResolvedVia::kCoreMap;
  std::string form;  ///< "bracketed", "trace", "trace?", "0x", "register"
};

struct Annotation {
  std::string text;  ///< the annotated text (== input when nothing changed)
  bool changed = false;
  bool translated = false;  ///< at least one address was named
  /// An address in the module area (>= 0xffffffffa0000000) that nothing resolved: the module
  /// tables may be stale (the daemon then reloads them, at most once a second).
  bool module_miss = false;
  std::vector<FoundAddress> found;
  /// "sym+0x1a/0x80 [mod]" for each resolved address, in order (journald's KERNEL_SYMBOLS).
  std::string symbols_list() const;
};

class Annotator {
 public:
  Annotator(const Symbolizer* symbolizer, AnnotatorOptions options)
      : symbolizer_(symbolizer), options_(options) {}

  /// Annotates one line of message text (without any timestamp prefix).
  Annotation annotate(std::string_view text) const;
  /// Cheap pre-check: false when the text holds no candidate at all.
  static bool has_candidate(std::string_view text, bool registers);
  /// Whether annotate() could change `text`: a candidate, or anything when hiding addresses.
  bool may_change(std::string_view text) const {
    return options_.hide_addresses ||
           (options_.style != AnnotationStyle::kNone && has_candidate(text, options_.registers));
  }

  const AnnotatorOptions& options() const { return options_; }
  /// With hide_addresses, appends `text` with every kernel-space value masked and returns
  /// whether one was; otherwise appends it as it is.
  bool hide(std::string_view text, std::string* out) const;
  std::string hidden(std::string_view text) const {
    std::string out;
    hide(text, &out);
    return out;
  }

 private:
  const Symbolizer* symbolizer_;
  AnnotatorOptions options_;
};

/// An address token in a line of text, in one of the forms above.
struct AddressToken {
  size_t begin = 0;  ///< [begin, end) in the text
  size_t end = 0;
  uint64_t address = 0;
  enum Kind { kBracketed, kHex0x, kRegister } kind = kBracketed;
  std::string_view reg;  ///< the register's name, for kRegister
};

/// The address tokens of a text, left to right: the annotator's scanner, also used by --decode to
/// pair raw addresses with the symbols the kernel printed beside them.
std::vector<AddressToken> find_address_tokens(std::string_view text, bool registers);

/// "sym+0xOFF/0xSIZE" (kernel form; " [mod]" appended for modules when `with_module`).
std::string format_kernel_symbol(const FoundAddress& f, bool with_module);

}  // namespace klogd
