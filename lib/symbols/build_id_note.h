#pragma once
/// The GNU build ID of what is running: the kernel's in /sys/kernel/notes, a module's in
/// /sys/module/NAME/notes/.note.gnu.build-id. Both files are raw ELF notes (namesz, descsz,
/// type, name, desc, each padded to 4 bytes). A debug file is the running kernel's, or that
/// module's, only when its own build ID (DebugInfo::build_id) is the same.

#include <string>
#include <string_view>

namespace klogd {

/// The NT_GNU_BUILD_ID note's descriptor in a block of ELF notes, as lowercase hex digits; ""
/// when there is none or the block is damaged.
std::string gnu_build_id(std::string_view notes);

/// The build ID in the notes file `path` (at most 64 KiB read); "" when it cannot be read or
/// holds none.
std::string read_build_id_note(const std::string& path);

/// "/sys/kernel/notes" and "/sys/module/NAME/notes/.note.gnu.build-id" under `root` ("" for /).
std::string kernel_notes_path(const std::string& root = "");
std::string module_notes_path(std::string_view module, const std::string& root = "");

}  // namespace klogd
