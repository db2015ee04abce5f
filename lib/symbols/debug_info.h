#pragma once
/// Source lines from a kernel's debug info: an ELF file with DWARF (a vmlinux, or a module's
/// .ko / .ko.debug), read through elfutils' libdwfl, which reads DWARF 5 and compressed
/// sections, relocates a .ko (ET_REL) and reads a unit's lines and scopes only when asked.
///
/// Addresses are the file's own: a vmlinux's link addresses (the running kernel's minus the
/// KASLR slide); for a .ko, libdwfl lays its sections out its own way, not as the kernel loaded
/// them, so module frames are found through the module's own symbols (symbol_address()).
///
/// A DebugInfo is used from one thread at a time (libdw is not thread-safe on one file).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace klogd {

/// One code location of a frame: a function, and where in it.
struct SourceLocation {
  std::string function;  ///< "" when the debug info names none
  std::string file;      ///< relative to the kernel tree ("fs/read_write.c"), see kernel_tree_path
  int line = 0;
  bool inlined = false;  ///< an inlined function's body (its caller follows in the chain)
};

/// "debian/build/build_amd64_none_amd64/include/linux/fs.h" -> "include/linux/fs.h",
/// "/build/reproducible-path/linux-6.1.192/arch/x86/entry/entry_64.S" ->
/// "arch/x86/entry/entry_64.S": from the first path component that is a top-level folder of the
/// kernel tree; a path with none stays as it is ("." and ".." folded).
std::string kernel_tree_path(std::string_view path);

/// A module's name as the kernel keys it: '-' and '_' are one ("snd-hda-intel" is
/// "snd_hda_intel"), for matching a frame's [mod] with a NAME.ko file.
std::string module_key(std::string_view name);

/// The module a debug file is named for ("snd-hda-intel.ko.debug" -> "snd-hda-intel": what comes
/// before ".ko" in the file's name), "" for a file that names none (a vmlinux).
std::string module_of_debug_file(std::string_view path);

/// The plugin that reads debug info (util/plugin.h): libdw and its libraries are mapped only once
/// a debug file is opened.
inline constexpr const char* kDebuginfoPlugin = "debuginfo";

/// One debug file. Made by the debug-info plugin (plugins/debuginfo), loaded the first time a
/// file is opened; when it cannot be loaded (libdw not installed), open() says so and no source
/// lines are given, nothing else fails.
class DebugInfo {
 public:
  virtual ~DebugInfo() = default;
  DebugInfo(const DebugInfo&) = delete;
  DebugInfo& operator=(const DebugInfo&) = delete;

  /// Opens `path` (nothing else: no separate debug file is looked for). Null with *err when it
  /// is not a readable ELF file or holds no DWARF line information, or the plugin cannot load.
  static std::unique_ptr<DebugInfo> open(const std::string& path, std::string* err);

  /// The GNU build ID as hex digits, "" when the file has none.
  virtual const std::string& build_id() const = 0;
  virtual const std::string& path() const = 0;

  /// The code locations at `address` (the file's own), innermost first: the function the
  /// address is in, then for each inlined function the caller it was inlined into, at the call.
  /// Empty when the address has no line information.
  virtual std::vector<SourceLocation> locate(uint64_t address) const = 0;

  /// The address of symbol `name` (a function, or a data object: an oops that jumped into data
  /// prints one) whose size is `size` (0: any; the first of several), from the file's own
  /// symbol table: a printed frame "name+off/size" is at the result + off. A size matches the
  /// ELF size or the gap to the next symbol, which is what kallsyms prints.
  virtual std::optional<uint64_t> symbol_address(std::string_view name, uint64_t size) const = 0;

  /// What the file says of a symbol the log printed as "name+off/size".
  enum class Match {
    kHolds,                ///< a symbol of that name and size
    kNoSuchName,           ///< no symbol of that name: no evidence either way
    kObjectOfOtherSize,    ///< data of that name, other sizes (kallsyms' data sizes may differ)
    kFunctionOfOtherSize,  ///< a function of that name, other sizes: another build's file
  };
  virtual Match match(std::string_view name, uint64_t size) const = 0;

 protected:
  DebugInfo() = default;
};

}  // namespace klogd
