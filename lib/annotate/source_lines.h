#pragma once
/// Source lines for the frames of a kernel log line (--decode --debuginfo, and the daemon's
/// source-line service, pipeline/source_service.h): every frame the
/// line prints ("name+0xOFF/0xSIZE [mod]", as the kernel prints it or as the annotator made it
/// of a raw address) located in the kernel's debug info (symbols/debug_info.h), its inlined
/// callers included.
///
/// A frame is found through the debug file's own symbol table, by name and printed size (two
/// functions of one name are told apart by it, as the kernel's faddr2line does), so the KASLR
/// slide and where a module was loaded do not matter. A return address (a trace's frames) is
/// looked up at address - 1, so that the line is the call's; a faulting PC (RIP:, arm64 pc :,
/// the WARNING's location) at the address.

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "symbols/debug_info.h"
#include "symbols/printed_symbols.h"

namespace klogd {

/// One frame of a line with its code locations (innermost first; empty: no line information).
struct FrameSource {
  PrintedSymbol symbol;  ///< name, offset, size, module, where in the text
  bool return_address = true;
  std::vector<SourceLocation> source;
};

/// A PC line holds one of these ("WARNING: " with " at " after it): a search for PC lines may
/// look only at the lines that hold one.
inline constexpr std::string_view kPcLineMarks[] = {"RIP: ", "pc : ", "PC is at ", "WARNING: "};
/// Whether a line's frames are faulting PCs rather than return addresses.
bool is_pc_line(std::string_view text);

/// ", inlined fdget_pos include/linux/file.h:75": what follows a frame's own file:line for
/// each function inlined at it, outermost first (see SourceLines::decorate).
///
/// Threads: a SourceLines and the DebugInfo objects it holds are used from one thread at a time
/// (libdw is not thread-safe on one file); the static functions are pure and any thread's.
class SourceLines {
 public:
  /// Adds a debug file: a vmlinux with DWARF, or a module's .ko / .ko.debug (its module named by
  /// the file: "snd-hda-intel.ko" is snd_hda_intel). False with *err when it cannot be read, or
  /// when `build_id` is given (the running kernel's or module's) and the file's is another.
  bool add(const std::string& path, std::string* err, std::string_view build_id = {});
  /// The same for a file whose name does not say (debuginfod's cache): `module` "" is the core
  /// kernel's.
  bool add_as(const std::string& path, std::string_view module, std::string* err,
              std::string_view build_id = {});
  bool empty() const { return !core_ && modules_.empty(); }
  bool has_module(std::string_view module) const;

  /// Refuses debug files that are another build's, on positive evidence only: a module's build
  /// ID the log printed that is not the file's, or a function the log printed that the file
  /// holds with another size. A symbol the file does not hold (or data whose size kallsyms
  /// printed otherwise) is no evidence: that frame alone goes without a line. False with *err
  /// naming the first evidence, and *file (when given) the file it is against.
  bool check(const std::vector<PrintedSymbol>& printed, std::string* err,
             std::string* file = nullptr) const;
  /// Forgets the file at `path` (one check() refused).
  void drop(const std::string& path);

  /// The frames `text` prints, not located yet (only the text is read: cheap, any thread).
  static std::vector<FrameSource> printed_frames(std::string_view text);
  /// Fills f->source from the debug file of the frame's module (left empty when none has it).
  void locate(FrameSource* f) const;
  /// The frames of `text`, each with its source.
  std::vector<FrameSource> frames(std::string_view text) const;

  /// `text` with each located frame followed by " (FILE:LINE)", the line in the function the
  /// frame names, and, when functions were inlined there, ", inlined NAME FILE:LINE" for each,
  /// outermost first, the last one where the address is:
  ///   ksys_write+0x6b/0xf0 (fs/read_write.c:637, inlined fdget_pos include/linux/file.h:75)
  /// A frame that is followed by a location already (a kernel that prints one) is left alone.
  std::string decorate(std::string_view text) const { return decorate(text, frames(text)); }
  /// The same with frames located elsewhere (`frames`: printed_frames(text), located).
  static std::string decorate(std::string_view text, const std::vector<FrameSource>& frames);

 private:
  const DebugInfo* file_for(const PrintedSymbol& s) const;
  std::unique_ptr<DebugInfo> core_;
  std::map<std::string, std::unique_ptr<DebugInfo>> modules_;
};

}  // namespace klogd
