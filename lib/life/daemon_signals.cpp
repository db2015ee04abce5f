#include "life/daemon_signals.h"

#include <spdlog/spdlog.h>

#include "life/diagnostics.h"

namespace klogd {
namespace {
constexpr int kAnswered[] = {SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGUSR2, SIGTSTP, SIGCONT};
}  // namespace

HeldSignals::HeldSignals() {
  sigemptyset(&set_);
  for (int s : kAnswered) sigaddset(&set_, s);
  pthread_sigmask(SIG_BLOCK, &set_, nullptr);
}

void HeldSignals::release() {
  if (!held_) return;
  held_ = false;
  pthread_sigmask(SIG_UNBLOCK, &set_, nullptr);
}

DaemonSignals::DaemonSignals(DaemonParts& d) : d_(d), signals_(d.io) {
  for (int s : kAnswered) signals_.add(s);
  wait();
}

void DaemonSignals::wait() {
  signals_.async_wait([this](boost::system::error_code ec, int signo) {
    if (ec) return;
    handle(signo);
  });
}

void DaemonSignals::handle(int signo) {
  Notes n;
  switch (signo) {
    case SIGTERM:
    case SIGINT:
      spdlog::info("signal {}: exiting", signo);
      if (d_.ticker) d_.ticker->stop();
      d_.reader->stop();
      d_.pipeline->shutdown();
      return;  // no more waiting: the loop ends with the shutdown
    case SIGHUP:
      d_.sinks.reopen(&n);
      log_notes(n);
      break;
    case SIGUSR1:
    case SIGUSR2:
      d_.keeper->reload(signo == SIGUSR2);
      break;
    case SIGTSTP:
      spdlog::info("SIGTSTP: logging suspended");
      d_.pipeline->suspend();
      break;
    case SIGCONT:
      spdlog::info("SIGCONT: logging resumed");
      d_.pipeline->resume();
      break;
  }
  wait();
}

}  // namespace klogd
