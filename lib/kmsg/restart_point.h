#pragma once
/// Where a restarted daemon resumes reading /dev/kmsg. The state file (seqnum_state.h) holds the
/// next sequence number to forward for this boot; it is used unless it cannot be this ring's: a
/// position past the ring's newest record (a state file copied from elsewhere, a ring reset)
/// would skip every record forever, so klogd then reads from the oldest record and says why.

#include <cstdint>
#include <optional>
#include <string>

namespace klogd {

struct RestartPoint {
  std::optional<uint64_t> resume_at;  ///< the first sequence number to forward; none: the oldest
  std::string warning;                ///< why a saved position was not used, when it was not
};

/// `saved`: the state file's position for this boot (none: another boot, first start);
/// `ring_last`: the newest sequence number the kernel's ring holds now (none: empty ring).
RestartPoint choose_restart_point(std::optional<uint64_t> saved, std::optional<uint64_t> ring_last);

}  // namespace klogd
