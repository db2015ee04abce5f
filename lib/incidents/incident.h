#pragma once
/// One kernel incident: a crash report (an oops, WARN, BUG, panic, hang, stall, lockup, OOM kill,
/// sanitizer or lockdep report) of 20-200 records, made one event: what broke, where, in which
/// module, on which kernel, tainted how, and a fingerprint that is the same for the same crash on
/// another host or boot.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace klogd {

/// The closed list of incident types (the catalog states which titles give which:
/// report_catalog.h).
enum class IncidentType {
  kOops,        ///< a fault the kernel could not handle (page fault, GPF, divide error, ...)
  kBug,         ///< BUG(), BUG_ON() and the "BUG: ..." checks (sleeping in atomic, bad page, ...)
  kWarning,     ///< WARN()
  kPanic,       ///< Kernel panic - not syncing, on its own
  kHungTask,    ///< INFO: task ... blocked for more than N seconds
  kRcuStall,    ///< rcu: INFO: rcu_sched detected stalls
  kSoftLockup,  ///< watchdog: BUG: soft lockup
  kHardLockup,  ///< Watchdog detected hard LOCKUP
  kOom,         ///< the OOM killer killed a process
  kKasan,
  kKmsan,
  kKcsan,
  kKfence,
  kUbsan,
  kLockdep,   ///< possible deadlock, inconsistent lock state, bad unlock balance, RCU misuse
  kLeak,      ///< memory leak (kmemleak)
  kRefcount,  ///< refcount_t saturation or underflow
  kOther,     ///< recognised, none of the above (unexpected reboot, fuzzer failures, ...)
};
std::string_view to_string(IncidentType t);

struct TaintFlag {
  char letter;
  std::string_view meaning;
};
/// "G        W  OE" -> G, W, O, E with their meanings (Documentation/admin-guide/tainted-kernels).
std::vector<TaintFlag> decode_taint(std::string_view flags);

struct Incident {
  IncidentType type = IncidentType::kOther;
  std::string title;     ///< syzbot's form, e.g. "WARNING in crashme_warn"
  std::string function;  ///< the guilty frame ("" when the title names none)
  std::string module;    ///< the guilty frame's module, "" for the core kernel
  std::string taint;     ///< the flags as printed ("G W OE"), "" when not tainted
  std::string release;   ///< from the report's "CPU: ... Comm: ... 6.1.0-56-amd64 #1" line
  std::optional<int> cpu;
  std::optional<int64_t> pid;
  std::string comm;
  std::vector<std::string> frames;  ///< the trace as printed ("f+0x1a/0x80 [mod]"), no " ? "
  /// The report's first line that names where the CPU stopped ("RIP: 0010:f+0x6/0x23", arm64
  /// "pc : ...", the WARNING's "at" line), "" when none: the guilty frame of a WARN or fault is
  /// often there rather than in the trace.
  std::string pc_line;
  bool panicked = false;
  bool corrupted = false;   ///< cut or interleaved beyond repair; the title may say "corrupted"
  uint64_t first_line = 0;  ///< --decode: 1-based input lines; live: kernel sequence numbers
  uint64_t last_line = 0;
  std::string fingerprint;  ///< kFingerprintDigits hex digits (see incident_fingerprint)
  std::string boot;  ///< "previous": found in what pstore kept of the boot before; "": this one
  /// The guilty frame's source line ("fs/read_write.c:584"), when debug info is at hand; never
  /// part of the fingerprint.
  std::string source;
  /// The source file to blame (guilty_file.h: syzkaller's rules over the report's `file:line`),
  /// "" when the report names none; never part of the fingerprint.
  std::string guilty_file;
};

/// The frames a fingerprint uses: the top ones that are not reporting or library
/// infrastructure (the titles' skip list), their names without offsets or compiler suffixes.
inline constexpr size_t kFingerprintFrames = 5;
/// 80 bits: 20 hex digits, never 16, so that no address scanner (nor --hide-addresses reading a
/// saved klogd log) takes a fingerprint for a 64-bit kernel address.
inline constexpr size_t kFingerprintDigits = 20;

/// SHA-256 over the type, the function and the top kFingerprintFrames frames ("name [module]",
/// offsets and ".cold"/".isra.0"-like suffixes dropped), its first kFingerprintDigits hex digits.
/// Independent of the KASLR slide, module load addresses, the build's offsets, the host and the
/// time.
std::string incident_fingerprint(const Incident& i);
/// What incident_fingerprint hashes: the type, the function and those frames' identities, one a
/// line. Two incidents with the same input have the same fingerprint (the namer compares inputs
/// to confirm a repeat without hashing).
std::string fingerprint_input(const Incident& i);
/// The fingerprint of an input fingerprint_input made.
std::string fingerprint_of_input(std::string_view input);

/// A frame line without its indent and the PCs old kernels print first ("[<ffffffff81234567>] ").
std::string_view frame_text(std::string_view frame);

/// A frame's identity: its name without offset or suffix ("crashme_write", up to '+', '.' or
/// ' '), and its module as printed (" [crashme]", empty when none), both views of `frame`.
struct FrameIdentity {
  std::string_view name, module;
};
FrameIdentity frame_identity(std::string_view frame);

}  // namespace klogd
