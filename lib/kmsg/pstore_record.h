#pragma once
/// What pstore keeps of a crashed boot (/sys/fs/pstore, systemd-pstore's copies), read back:
/// a record is a header line ("Oops#1 Part1", "Panic#2 Part1": the reason, the boot's dump
/// count, the part), then the newest tail of the kernel log as "<level>[seconds.micros] text"
/// lines, oldest first. A backend that splits a dump (efi-pstore) makes Part1 the newest chunk:
/// a dump's text is its parts from the highest down. ramoops with ECC appends
/// "ECC: No errors detected" (or the errors corrected). A record the next kernel could not
/// decompress keeps its name with ".enc.z" and its bytes raw deflate. systemd-pstore's
/// dmesg.txt is "NAME:" lines each followed by that record's text. Pure functions.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace klogd {

struct PstoreLine {
  int level = 4;
  uint64_t ts_usec = 0;
  std::string text;
  int facility = 0;  ///< 0 (kern) unless the prefix says otherwise ("<14>": user, info)
};

struct PstoreRecord {
  std::string name;    ///< the file's name ("dmesg-ramoops-0"; in dmesg.txt, its "NAME:" line)
  std::string reason;  ///< "Oops", "Panic", "Emergency", ... ("" when the header is missing)
  int count = 0;       ///< the dump's number in its boot (Oops and Panic share the counter)
  int part = 1;
  std::vector<PstoreLine> lines;  ///< oldest first
  size_t bad_lines = 0;           ///< lines that are neither a log line nor header or trailer
};

/// The largest text a record may decompress to (a dump is at most a few hundred KiB).
inline constexpr size_t kMaxPstoreText = 16u << 20;

/// Reads one record's bytes. `name` ending in ".enc.z" says they are raw deflate. False, with
/// *error said, when there is nothing to read (undecompressable, not a pstore dump).
bool parse_pstore_record(std::string_view name, std::string_view bytes, PstoreRecord* out,
                         std::string* error);

/// systemd-pstore's dmesg.txt ("dmesg-ramoops-1:" then its text, ...): the records it holds.
std::vector<PstoreRecord> parse_pstore_dmesg_txt(std::string_view bytes);

/// A kdump's saved log of the crashed kernel (Debian's kdump-tools /var/crash/STAMP/dmesg.STAMP,
/// Fedora's /var/crash/*/vmcore-dmesg.txt): "[seconds.micros] text" lines (or "<prio>[...]"),
/// the whole ring of the crashed boot. Reason "kdump". False, with *error, when no line reads.
bool parse_kdump_dmesg(std::string_view name, std::string_view bytes, PstoreRecord* out,
                       std::string* error);

/// One record per dump: the parts of a dump (same reason and count) joined, highest part first,
/// and copies of the same dump (/sys/fs/pstore and systemd-pstore's archive) kept once.
std::vector<PstoreRecord> join_pstore_dumps(std::vector<PstoreRecord> records);

/// Whether a text starts the way a pstore dump does ("Oops#1 Part1\n").
bool looks_like_pstore(std::string_view bytes);

}  // namespace klogd
