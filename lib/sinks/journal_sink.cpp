#include "sinks/journal_sink.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>

#include "util/unix_datagram.h"
#include "util/wall_clock.h"

namespace klogd {

void append_journal_field(std::string_view name, std::string_view value, std::string* out) {
  out->append(name);
  if (value.find('\n') == std::string_view::npos) {
    out->push_back('=');
    out->append(value);
  } else {
    out->push_back('\n');
    uint64_t n = value.size();
    for (int i = 0; i < 8; ++i) out->push_back(static_cast<char>((n >> (8 * i)) & 0xff));
    out->append(value);
  }
  out->push_back('\n');
}

JournalSink::~JournalSink() {
  if (fd_ >= 0) ::close(fd_);
}

bool JournalSink::write(const FinishedRecord& r, std::string* err) {
  const KmsgRecord& k = r.record;
  std::string& e = entry_;
  e.clear();
  append_journal_field("MESSAGE", r.text, &e);
  append_journal_field("PRIORITY", std::to_string(k.level), &e);
  append_journal_field("SYSLOG_FACILITY", std::to_string(k.facility), &e);
  append_journal_field("SYSLOG_IDENTIFIER", "kernel", &e);
  // boot + KERNEL_SEQNUM name a kernel record: klogd's own records carry KLOGD_AFTER_SEQNUM.
  if (r.kernel_seq) append_journal_field("KERNEL_SEQNUM", std::to_string(k.seq), &e);
  if (r.after_seq) append_journal_field("KLOGD_AFTER_SEQNUM", std::to_string(*r.after_seq), &e);
  append_journal_field("KERNEL_MONOTONIC_USEC", std::to_string(k.ts_usec), &e);
  if (r.boot == RecordBoot::kThis)
    append_journal_field("KERNEL_REALTIME_USEC",
                         std::to_string(boot_wall_usec() + static_cast<int64_t>(k.ts_usec)), &e);
  else
    append_journal_field("KLOGD_BOOT", to_string(r.boot), &e);
  std::string name;
  for (const auto& [key, value] : k.dict) {
    name = "KERNEL_";
    for (char c : key)
      name.push_back(std::isalnum(static_cast<unsigned char>(c))
                         ? static_cast<char>(std::toupper(static_cast<unsigned char>(c)))
                         : '_');
    if (name.size() > 64) name.resize(64);
    append_journal_field(name, value, &e);
  }
  // The text as the kernel wrote it; none with --hide-addresses (it is full of addresses).
  if (!r.original.empty()) append_journal_field("KERNEL_ORIGINAL_MESSAGE", r.original, &e);
  if (r.translated) append_journal_field("KERNEL_SYMBOLS", r.symbols, &e);
  if (r.event) {
    if (!r.event->message_id.empty()) append_journal_field("MESSAGE_ID", r.event->message_id, &e);
    for (const auto& [field, value] : r.event->fields) {
      name = r.event->field_prefix;
      for (char c : field)
        name.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
      append_journal_field(name, value, &e);
    }
  } else if (r.synthetic && r.boot != RecordBoot::kPrevious) {  // the previous boot's lines are the kernel's
    append_journal_field("KLOGD_NOTICE", "1", &e);
  }
  return send_entry(e, err);
}

bool JournalSink::send_entry(const std::string& entry, std::string* err) {
  busy_ = false;
  if (fd_ < 0) {
    fd_ = connect_unix_datagram(socket_path_, err);
    if (fd_ < 0) {
      *err = "journald: " + *err;
      return false;
    }
  }
  if (::send(fd_, entry.data(), entry.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(entry.size()))
    return true;
  const int e = errno;  // before anything else may set it
  if (e == EMSGSIZE || e == ENOBUFS) return send_as_memfd(entry, err);
  *err = "journald (" + socket_path_ + "): " + std::strerror(e);
  busy_ = e == EAGAIN;
  if (!busy_) {
    ::close(fd_);  // journald went away or was restarted: connect again next time
    fd_ = -1;
  }
  return false;
}

// An entry larger than a datagram: written to a sealed memfd whose descriptor is sent instead.
bool JournalSink::send_as_memfd(const std::string& entry, std::string* err) {
  int mfd = ::memfd_create("klogd-journal", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (mfd < 0) {
    *err = std::string("journald: memfd: ") + std::strerror(errno);
    return false;
  }
  size_t done = 0;
  while (done < entry.size()) {
    ssize_t n = ::write(mfd, entry.data() + done, entry.size() - done);
    if (n <= 0) {
      *err = std::string("journald: memfd: ") + std::strerror(errno);
      ::close(mfd);
      return false;
    }
    done += static_cast<size_t>(n);
  }
  ::fcntl(mfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL);
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msghdr msg{};
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  cmsghdr* c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  std::memcpy(CMSG_DATA(c), &mfd, sizeof(int));
  ssize_t sent = ::sendmsg(fd_, &msg, MSG_NOSIGNAL);
  int saved = errno;
  ::close(mfd);
  if (sent < 0) {
    *err = "journald (" + socket_path_ + "): " + std::strerror(saved);
    busy_ = saved == EAGAIN;
    return false;
  }
  return true;
}

}  // namespace klogd
