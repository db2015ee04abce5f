#pragma once
/// --sink auto for a daemon that forked, started before its log server (the classic boot order:
/// klogd before syslogd): neither journald's socket nor /dev/log is there yet. Standard output
/// would go to /dev/null, so the records wait instead, in the bounded queue in front of this
/// sink (dropped oldest first beyond it, and counted), until one of the two appears; the first
/// that does is used from then on, journald before syslog as at start-up.

#include <memory>
#include <string>

#include "sinks/syslog_sink.h"

namespace klogd {

class AutoSink : public Sink {
 public:
  AutoSink(SyslogSinkOptions syslog, std::string journal_socket)
      : syslog_(std::move(syslog)), journal_socket_(std::move(journal_socket)) {}
  bool write(const FinishedRecord& r, std::string* err) override;
  std::string describe() const override;
  bool busy() const override { return chosen_ && chosen_->busy(); }

 private:
  SyslogSinkOptions syslog_;
  std::string journal_socket_;
  std::unique_ptr<Sink> chosen_;
};

}  // namespace klogd
