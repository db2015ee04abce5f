#pragma once
/// Forwarding to a central collector (rsyslog, syslog-ng, Graylog, Vector, ...) as RFC 5424.
/// This part of `--forward`: udp://HOST[:PORT] (RFC 5426, default 514) and tcp://HOST[:PORT]
/// (RFC 6587 octet counting, default 514; "?framing=lf" for newline framing). IPv4, [IPv6]
/// literals and names (resolved with getaddrinfo when connecting).
/// Not yet: tls:// and relp:// (parsed, refused with a clear message) and the disk-backed queue.
///
/// Never blocks: the socket is non-blocking, connecting included. Whole frames wait in an
/// outgoing buffer (256 KiB) and are re-sent from the start of the first unfinished frame after a
/// reconnect; while it is full write() refuses and the record waits in the QueuedSink in front.
/// Reconnects back off exponentially from 100 ms to 30 s, with ±20 % jitter. Plain TCP can lose
/// what sat in the kernel's socket buffer when the peer died; RELP exists for that.

#include <chrono>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>

#include "rfc5424.h"
#include "sink.h"

namespace klogd {

struct ForwardTarget {
  std::string scheme;  ///< udp, tcp, tls, relp
  std::string host;
  uint16_t port = 0;
  bool lf_framing = false;  ///< tcp: newline instead of octet counting
  std::string url;
};

/// Parses a --forward URL; false with a message on anything malformed.
bool parse_forward_url(std::string_view url, ForwardTarget* out, std::string* err);

class ForwardSink : public Sink {
 public:
  ForwardSink(ForwardTarget target, Rfc5424Options format);
  ~ForwardSink() override;
  bool write(const FinishedRecord& r, std::string* err) override;
  bool flush(std::string* err) override;
  std::string describe() const override { return "forward " + target_.url; }
  bool busy() const override { return busy_; }

 private:
  bool ensure_connected(std::string* err);
  void disconnect(const std::string& why);
  bool send_pending(std::string* err);

  ForwardTarget target_;
  Rfc5424Options format_;
  int fd_ = -1;
  bool connecting_ = false;
  bool busy_ = false;
  std::string out_;            // frames not yet fully sent start at out_[head_]
  size_t head_ = 0;            // start of the first unfinished frame
  size_t sent_ = 0;            // bytes of that frame (and beyond) already sent
  std::deque<size_t> frames_;  // lengths of the frames from head_ on
  std::chrono::steady_clock::time_point next_attempt_{};
  std::chrono::milliseconds backoff_{100};
  std::string last_error_;
};

}  // namespace klogd
