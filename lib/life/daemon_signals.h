#pragma once
/// The signals the daemon answers, on the loop thread: TERM/INT end it (what is queued goes out
/// first), HUP reopens the output file, USR1/USR2 reload symbols, TSTP suspends logging and CONT
/// resumes it. They are blocked from the start (HeldSignals) until their handlers are in
/// place: a SIGTSTP during start-up must not stop klogd, nor a SIGTERM end it without its
/// shutdown. Threads made meanwhile inherit the mask and leave them to the main thread.

#include <functional>
#include <signal.h>

#include "life/daemon_parts.h"

namespace klogd {

/// Blocks the answered signals in the calling thread (the main one) until release().
class HeldSignals {
 public:
  HeldSignals();
  ~HeldSignals() { release(); }
  /// What came meanwhile is handled now.
  void release();

 private:
  sigset_t set_;
  bool held_ = true;
};

class DaemonSignals {
 public:
  /// Answers the signals for `d` once the loop runs.
  explicit DaemonSignals(DaemonParts& d);

 private:
  void wait();
  void handle(int signo);
  DaemonParts& d_;
  boost::asio::signal_set signals_;
};

}  // namespace klogd
