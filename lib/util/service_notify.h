#pragma once
/// systemd's service notification protocol (sd_notify(3)), spoken directly: a datagram of
/// "KEY=VALUE" lines to the AF_UNIX socket $NOTIFY_SOCKET names (a path, or "@" for an
/// abstract one), and the watchdog interval from $WATCHDOG_USEC when $WATCHDOG_PID is this
/// process. The protocol is a stable interface systemd documents for services to implement;
/// speaking it here keeps libsystemd (and the libraries it brings: libgcrypt, liblz4, libzstd,
/// liblzma) out of the daemon. Nothing is sent when $NOTIFY_SOCKET is not set.

#include <cstdint>
#include <string_view>

namespace klogd {

/// Sends `state` ("READY=1", "STATUS=...", "WATCHDOG=1"). False when no socket is named or the
/// send failed (systemd then does not know: nothing more can be done about it).
bool notify_service(std::string_view state);

/// The watchdog interval systemd expects WATCHDOG=1 within, in microseconds; 0 when none.
uint64_t service_watchdog_usec();

}  // namespace klogd
