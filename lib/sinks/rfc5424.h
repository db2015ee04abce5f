#pragma once
/// RFC 5424 messages for kernel records (the syslog sink's --syslog-format rfc5424 and the
/// collectors behind --forward):
///   <PRI>1 TIMESTAMP HOSTNAME kernel - - [SD-ID seq="N" mono="USEC" boot="ID"
///     subsystem=".." device=".." symbols=".."] MSG
/// and for klogd's incident records a second element [incident@ENTERPRISE type=".." ...], the
/// enterprise number taken from SD-ID.
/// PRI from the record; TIMESTAMP its kernel time on the wall clock with microseconds and offset;
/// PROCID and MSGID "-"; SD-PARAM values escaped as §6.3.3 says. MSG is the annotated text with
/// control bytes and bytes that are not valid UTF-8 written as \xNN, so a collector's parser
/// always sees valid UTF-8; with `bom` it starts with the BOM that §6.4 asks for UTF-8 MSGs.

#include <cstdint>
#include <string>
#include <string_view>

#include "annotate/finished_record.h"

namespace klogd {

struct Rfc5424Options {
  std::string hostname;  ///< "-" when empty
  std::string sd_id = "kmsg@32473";
  std::string boot_id;  ///< added as boot="..." when set
  bool bom = false;
};

std::string format_rfc5424(const FinishedRecord& r, int64_t boot_wall_usec,
                           const Rfc5424Options& o);

/// Escapes an RFC 5424 SD-PARAM value: '"', '\' and ']' get a backslash (§6.3.3).
std::string escape_sd_value(std::string_view v);

}  // namespace klogd
