#include "sinks/auto_sink.h"

#include <sys/stat.h>

#include "sinks/journal_sink.h"

namespace klogd {

bool AutoSink::write(const FinishedRecord& r, std::string* err) {
  if (!chosen_) {
    struct stat st {};
    if (::stat(journal_socket_.c_str(), &st) == 0)
      chosen_ = std::make_unique<JournalSink>(journal_socket_);
    else if (::stat(syslog_.socket_path.c_str(), &st) == 0)
      chosen_ = std::make_unique<SyslogSink>(syslog_);
    if (!chosen_) {
      *err = "neither " + journal_socket_ + " nor " + syslog_.socket_path + " exists yet";
      return false;
    }
  }
  return chosen_->write(r, err);
}

std::string AutoSink::describe() const {
  return chosen_ ? chosen_->describe() + " (auto)"
                 : "auto (journald or syslog, whichever appears first)";
}

}  // namespace klogd
