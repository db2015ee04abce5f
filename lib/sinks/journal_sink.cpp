#include "sinks/journal_sink.h"

#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
// sd_journal_sendv() is a macro that adds klogd's own CODE_FILE/CODE_LINE/CODE_FUNC to every
// entry unless this is defined: a kernel record has no source location in klogd.
#define SD_JOURNAL_SUPPRESS_LOCATION
#include <systemd/sd-journal.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <vector>

#include "util/unix_datagram.h"
#include "util/wall_clock.h"

namespace klogd {

bool JournalSink::reachable(std::string* err) const {
  int fd = connect_unix_datagram(socket_path_, err);
  if (fd < 0) {
    *err = "journald: " + *err;
    return false;
  }
  ::close(fd);
  return true;
}

bool JournalSink::write(const FinishedRecord& r, std::string* err) {
  if (!reachable(err)) return false;
  const KmsgRecord& k = r.record;
  std::vector<std::string> fields;
  fields.reserve(12 + k.dict.size());
  fields.push_back("MESSAGE=" + r.text);
  fields.push_back("PRIORITY=" + std::to_string(k.level));
  fields.push_back("SYSLOG_FACILITY=" + std::to_string(k.facility));
  fields.push_back("SYSLOG_IDENTIFIER=kernel");
  fields.push_back("KERNEL_SEQNUM=" + std::to_string(k.seq));
  fields.push_back("KERNEL_MONOTONIC_USEC=" + std::to_string(k.ts_usec));
  fields.push_back("KERNEL_REALTIME_USEC=" +
                   std::to_string(boot_wall_usec() + static_cast<int64_t>(k.ts_usec)));
  for (const auto& [key, value] : k.dict) {
    std::string name = "KERNEL_";
    for (char c : key)
      name.push_back(std::isalnum(static_cast<unsigned char>(c))
                         ? static_cast<char>(std::toupper(static_cast<unsigned char>(c)))
                         : '_');
    if (name.size() > 64) name.resize(64);
    fields.push_back(name + "=" + value);
  }
  // The text as the kernel wrote it; none with --hide-addresses (it is full of addresses).
  if (!r.original.empty()) fields.push_back("KERNEL_ORIGINAL_MESSAGE=" + r.original);
  if (r.translated) fields.push_back("KERNEL_SYMBOLS=" + r.symbols);
  if (r.event) {
    if (!r.event->message_id.empty()) fields.push_back("MESSAGE_ID=" + r.event->message_id);
    for (const auto& [name, value] : r.event->fields) {
      std::string f = r.event->field_prefix;
      for (char c : name)
        f.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
      fields.push_back(f + "=" + value);
    }
  } else if (r.synthetic) {
    fields.push_back("KLOGD_NOTICE=1");
  }
  std::vector<iovec> iov(fields.size());
  for (size_t i = 0; i < fields.size(); ++i) iov[i] = iovec{fields[i].data(), fields[i].size()};
  int rc = sd_journal_sendv(iov.data(), static_cast<int>(iov.size()));
  if (rc < 0) {
    *err = std::string("journald: ") + std::strerror(-rc);
    return false;
  }
  return true;
}

}  // namespace klogd
