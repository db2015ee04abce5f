#pragma once
/// What `klogd --decode` was given, told by its bytes and never by its name: the same bytes
/// give the same output under any name (`dmesg > dmesg.txt` is how people save a log).
///  - a folder: the previous boot's dumps in it (pstore, systemd-pstore's archive, kdump's
///    folders), read as the daemon's harvest reads them (pstore_incidents.h);
///  - a pstore record ("Oops#1 Part1" first, or bytes that inflate to one: ".enc.z") or
///    systemd-pstore's dmesg.txt ("dmesg-ramoops-0:" then a record): its dumps, and its text;
///  - anything else is a saved log, read line by line (log_line.h: /dev/kmsg records, dmesg,
///    kdump's saved log, journalctl/syslog, console captures, bare text).
/// A pstore input is decoded like any saved log (its "<4>[...]" lines are dmesg's form);
/// with --incidents its dumps are read as the previous boot's (each crash once, however many
/// records repeat it).

#include <string>
#include <vector>

#include "pstore/pstore_incidents.h"

namespace klogd {

struct SavedLog {
  enum class Kind { kLog, kPstore };
  Kind kind = Kind::kLog;
  /// The text to decode: the file's bytes (inflated when compressed); for a folder, each dump's
  /// lines after a "NAME:" line, as systemd-pstore's dmesg.txt lays them out.
  std::string text;
  PstoreHarvest pstore;  ///< kind kPstore: the dumps, parts joined, copies once
  /// What the reader noticed about the form, for the user (stderr): binary data, no line in a
  /// form klogd knows, a pstore record's damage.
  std::vector<std::string> notes;
  const char* form = "log";  ///< "folder", "pstore record", "pstore archive", "compressed
                             ///< pstore record", "log", "binary": for the notes
};

/// Reads `path` ("-": standard input). False with *err when it cannot be read at all.
bool read_saved_log(const std::string& path, SavedLog* out, std::string* err);

}  // namespace klogd
