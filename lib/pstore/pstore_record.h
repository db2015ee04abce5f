#pragma once
/// What pstore keeps of a crashed boot (/sys/fs/pstore, systemd-pstore's copies), read back:
/// a record is a header line ("Oops#1 Part1", "Panic#2 Part1": the reason, the boot's dump
/// count, the part), then the newest tail of the kernel log as "<level>[seconds.micros] text"
/// lines, oldest first. A backend that splits a dump (efi-pstore) makes Part1 the newest chunk:
/// a dump's text is its parts from the highest down. ramoops with ECC appends
/// "ECC: No errors detected" (or the errors corrected). A record the next kernel could not
/// decompress keeps its name with ".enc.z" and its bytes raw deflate. systemd-pstore's
/// dmesg.txt is "NAME:" lines each followed by that record's text. What a file is, is read from
/// its bytes (dump_form), never from its name. Pure functions.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace klogd {

struct PstoreLine {
  int level = 4;
  bool has_level = false;  ///< the line printed its level ("<4>"); kdump's and the console's do not
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

/// Reads one record's text (`name` is its label: the file's name). Bytes that are not text are
/// inflated first (inflate_pstore). False, with *error said, when there is nothing to read (not
/// a pstore dump, or not one that inflates).
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

/// What a saved file is, told by its first bytes (a few KiB are enough), never by its name:
/// `klogd --decode` and the previous boot's harvest both ask this.
enum class DumpForm {
  kPstoreRecord,   ///< a pstore header first ("Oops#1 Part1", "Panic#2 Part1"), then "<4>[...]"
  kPstoreArchive,  ///< systemd-pstore's dmesg.txt: a "NAME:" line, then a record; and again
  kTimedLog,       ///< "[seconds.micros] text" (or "<4>[...]") lines without a header: kdump's
                   ///< saved log, ramoops' console record, a dmesg capture
  kBinary,         ///< not text (NUL or mostly non-printable bytes): perhaps a record the next
                   ///< kernel could not decompress (raw deflate, see inflate_pstore), a vmcore
  kOtherText,      ///< text in another form (a console capture, journalctl, /dev/kmsg records)
};
DumpForm dump_form(std::string_view head);

/// A pstore record kept compressed (raw deflate, pstore's ".enc.z"): its text, when the bytes
/// inflate to one (at most kMaxPstoreText). *error says what was damaged (with true: the text
/// before the damage is kept).
bool inflate_pstore(std::string_view bytes, std::string* text, std::string* error);

}  // namespace klogd
