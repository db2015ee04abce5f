#pragma once
/// How frames reach one collector. The sender thread of a --forward target owns one transport and
/// calls it blocking; only that thread ever waits on the network.
///   udp   RFC 5426: a datagram per message (cut at 2048 bytes, what every receiver accepts)
///   tcp   RFC 6587: octet counting ("LEN MSG"), or LF after each message with ?framing=lf
///   tls   RFC 5425: octet counting inside TLS (OpenSSL through Boost.Asio); the server's
///         certificate is always verified against --tls-ca (else the system's CAs) and must name
///         --tls-name (else HOST); --tls-cert/--tls-key for mutual TLS
///   relp  rsyslog's RELP: every message acknowledged by the collector ("rsp 200"); what it had
///         not acknowledged when the connection broke is sent again after the reconnect

#include <memory>
#include <string>
#include <vector>

#include "forward/forward_target.h"

namespace klogd {

struct TlsOptions {
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
  std::string name;  ///< the name the server's certificate must carry; HOST if empty
};

class ForwardTransport {
 public:
  virtual ~ForwardTransport() = default;
  /// Connects (resolving HOST each time). False with *err on failure.
  virtual bool connect(std::string* err) = 0;
  /// Sends the messages in order. True when all were handed over to the kernel's socket. False
  /// with *err when the connection
  /// failed; the caller closes, reconnects and sends again those not handed over.
  /// *handed gets, for each message from the first that was handed over whole (also on failure),
  /// handed_over() right after it.
  virtual bool send(const std::vector<std::string>& messages, std::vector<uint64_t>* handed,
                    std::string* err) = 0;
  /// Progress since connect(), in the transport's own unit (bytes; messages for relp): how much
  /// was handed over, and how much of that the collector has taken. For tcp and tls "taken" is
  /// what the collector's TCP acknowledged (handed over minus SIOCOUTQ): what still sits unsent
  /// or unacknowledged in our socket buffer is sent again after a reconnect, not lost with it.
  /// For relp it is the messages the collector answered "200 OK", in order.
  virtual uint64_t handed_over() const = 0;
  virtual uint64_t taken() { return handed_over(); }
  /// Whether the collector closed its end while we were idle (checked before sending).
  virtual bool peer_closed() { return false; }
  /// At exit, before close(): ends the session gracefully where the protocol has a way (relp:
  /// "close", then the answers still coming), so that taken() is as exact as it can be.
  virtual void finish() {}
  /// After a failure or at exit.
  virtual void close() = 0;
  /// What keeps the transport from ever connecting (an unreadable --tls-ca, say), found when it
  /// is made: the daemon refuses to start with it. Empty when it can try.
  virtual std::string setup_error() const { return {}; }
  /// From another thread, at exit: makes a blocked connect() or send() return soon.
  virtual void interrupt() = 0;
};

std::unique_ptr<ForwardTransport> make_forward_transport(const ForwardTarget& t,
                                                         const TlsOptions& tls);

/// Blocking TCP connect with a timeout that interrupt_fd (an eventfd) cuts short. The returned
/// socket is blocking. -1 with *err on failure.
/// Signals `interrupt_fd` (an eventfd that connect_tcp() watches) and shuts `fd` down, so that a
/// connect or send blocked on another thread returns.
void interrupt_socket(int interrupt_fd, int fd);

/// A batch of messages framed for a stream: RFC 6587 octet counting ("LEN MSG"), or MSG and a
/// newline with `lf`. `ends[i]` is where message i's frame ends in `bytes`.
struct StreamFrames {
  std::string bytes;
  std::vector<size_t> ends;
  StreamFrames(const std::vector<std::string>& messages, bool lf);
  /// For each message whose frame lies within the first `done` bytes: `base` (the transport's
  /// handed_over() before the batch) plus its end, as send() reports them.
  void handed(size_t done, uint64_t base, std::vector<uint64_t>* out) const;
};

/// Whether the peer of a connected stream socket shut down or reset it (a zero-timeout poll).
bool peer_hung_up(int fd);

/// Ends a stream connection without a reset: shuts down our side (FIN), then reads and drops
/// what the peer still sends until it closes too or `timeout_ms` passes. (close() with unread
/// bytes in the receive queue, such as TLS 1.3 session tickets, sends a RST instead.) The fd is
/// left open for its owner to close.
void close_without_reset(int fd, int timeout_ms);

/// Bytes in a TCP socket's send queue not yet acknowledged by the peer (SIOCOUTQ); 0 on error.
uint64_t unsent_bytes(int fd);

int connect_tcp(const std::string& host, uint16_t port, int socktype, int timeout_ms,
                int interrupt_fd, std::string* err);

}  // namespace klogd
