#pragma once
/// The guilty file of a crash report: the source file to blame, picked from the `file.c:line`
/// its frames carry (a symbolized report, or one klogd located with the debug info) by
/// syzkaller's rules (pkg/report/linux.go): the first file on a line that is neither
/// infrastructure (the ignore list: headers, lib/, mm/kasan/, kernel/locking/, the allocators,
/// traps, ...) nor on a lockdep or register line; a later file in a subdirectory of the guilty
/// one's directory takes its place; an RCU stall is read from its interrupt frame on; when every
/// file is infrastructure, the first one. Whom to tell about it: maintainers.h.

#include <string>
#include <string_view>
#include <vector>

namespace klogd {

/// "net/ipv6/ip6_output.c", "" when the lines name no source file.
/// `title`: the report's (syzbot's form); an "INFO: rcu detected stall ..." is read from its
/// interrupt frame on.
std::string guilty_file(const std::vector<std::string>& lines, std::string_view title);

/// The file a line names ("fs/inode.c" of " iput+0x1c/0x40 ./fs/inode.c:1754"), cleaned, or ""
/// when it names none: the first `path.c:N` or `path.h:N`.
std::string file_on_line(std::string_view line);

}  // namespace klogd
