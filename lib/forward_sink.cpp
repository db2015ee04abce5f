#include "forward_sink.h"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>

#include "wall_clock.h"

namespace klogd {
namespace {

constexpr size_t kMaxPending = 256 * 1024;

}  // namespace

bool parse_forward_url(std::string_view url, ForwardTarget* out, std::string* err) {
  *out = {};
  out->url.assign(url);
  size_t sep = url.find("://");
  if (sep == std::string_view::npos) {
    *err = "--forward " + std::string(url) + ": expected SCHEME://HOST[:PORT]";
    return false;
  }
  out->scheme.assign(url.substr(0, sep));
  std::string_view rest = url.substr(sep + 3);
  std::string_view query;
  if (size_t q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  std::string_view port;
  if (rest.starts_with("[")) {
    size_t close = rest.find(']');
    if (close == std::string_view::npos) {
      *err = "--forward " + std::string(url) + ": unclosed [ in an IPv6 address";
      return false;
    }
    out->host.assign(rest.substr(1, close - 1));
    rest = rest.substr(close + 1);
    if (!rest.empty()) {
      if (rest[0] != ':') {
        *err = "--forward " + std::string(url) + ": expected :PORT after ]";
        return false;
      }
      port = rest.substr(1);
    }
  } else {
    size_t colon = rest.rfind(':');
    if (colon != std::string_view::npos) {
      port = rest.substr(colon + 1);
      rest = rest.substr(0, colon);
    }
    out->host.assign(rest);
  }
  if (out->host.empty()) {
    *err = "--forward " + std::string(url) + ": no host";
    return false;
  }
  if (out->scheme == "udp" || out->scheme == "tcp")
    out->port = 514;
  else if (out->scheme == "tls")
    out->port = 6514;
  else if (out->scheme != "relp") {
    *err = "--forward " + std::string(url) + ": unknown scheme " + out->scheme +
           " (udp, tcp, tls, relp)";
    return false;
  }
  if (!port.empty()) {
    unsigned long p = 0;
    bool ok = port.size() <= 5;
    for (char c : port)
      ok = ok && c >= '0' && c <= '9', p = p * 10 + static_cast<unsigned>(c - '0');
    if (!ok || p == 0 || p > 65535) {
      *err = "--forward " + std::string(url) + ": bad port " + std::string(port);
      return false;
    }
    out->port = static_cast<uint16_t>(p);
  } else if (out->scheme == "relp") {
    *err = "--forward " + std::string(url) + ": relp needs a port";
    return false;
  }
  if (query == "framing=lf" && out->scheme == "tcp") {
    out->lf_framing = true;
  } else if (!query.empty() && query != "framing=octet-counted") {
    *err = "--forward " + std::string(url) + ": unknown option " + std::string(query);
    return false;
  }
  return true;
}

ForwardSink::ForwardSink(ForwardTarget target, Rfc5424Options format)
    : target_(std::move(target)), format_(std::move(format)) {}

ForwardSink::~ForwardSink() {
  if (fd_ >= 0) ::close(fd_);
}

void ForwardSink::disconnect(const std::string& why) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  connecting_ = false;
  last_error_ = why;
  sent_ = 0;  // the first unfinished frame is sent again, whole, on the next connection
  static thread_local std::mt19937 rng{std::random_device{}()};
  std::uniform_real_distribution<double> jitter(0.8, 1.2);
  next_attempt_ = std::chrono::steady_clock::now() +
                  std::chrono::milliseconds(static_cast<long>(backoff_.count() * jitter(rng)));
  backoff_ = std::min(backoff_ * 2, std::chrono::milliseconds(30000));
}

bool ForwardSink::ensure_connected(std::string* err) {
  if (fd_ >= 0 && !connecting_) return true;
  if (fd_ < 0) {
    if (std::chrono::steady_clock::now() < next_attempt_) {
      *err = describe() + ": " + last_error_ + " (reconnecting)";
      return false;
    }
    addrinfo hints{};
    hints.ai_socktype = target_.scheme == "udp" ? SOCK_DGRAM : SOCK_STREAM;
    addrinfo* res = nullptr;
    int rc =
        ::getaddrinfo(target_.host.c_str(), std::to_string(target_.port).c_str(), &hints, &res);
    if (rc != 0) {
      disconnect(std::string("cannot resolve ") + target_.host + ": " + gai_strerror(rc));
      *err = describe() + ": " + last_error_;
      return false;
    }
    int fd = ::socket(res->ai_family, res->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      ::freeaddrinfo(res);
      disconnect(std::strerror(errno));
      *err = describe() + ": " + last_error_;
      return false;
    }
    rc = ::connect(fd, res->ai_addr, res->ai_addrlen);
    ::freeaddrinfo(res);
    fd_ = fd;
    if (rc != 0 && errno != EINPROGRESS) {
      disconnect(std::strerror(errno));
      *err = describe() + ": " + last_error_;
      return false;
    }
    connecting_ = rc != 0;
  }
  if (connecting_) {
    pollfd p{fd_, POLLOUT, 0};
    if (::poll(&p, 1, 0) == 0) {
      busy_ = true;
      *err = describe() + ": connecting";
      return false;
    }
    int so_error = 0;
    socklen_t len = sizeof so_error;
    ::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &so_error, &len);
    if (so_error != 0) {
      disconnect(std::strerror(so_error));
      *err = describe() + ": " + last_error_;
      return false;
    }
    connecting_ = false;
  }
  backoff_ = std::chrono::milliseconds(100);
  return true;
}

bool ForwardSink::send_pending(std::string* err) {
  while (head_ + sent_ < out_.size()) {
    ssize_t n = ::send(fd_, out_.data() + head_ + sent_, out_.size() - head_ - sent_,
                       MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) {
        busy_ = true;
        *err = describe() + ": peer not reading";
        return false;
      }
      disconnect(std::strerror(errno));
      *err = describe() + ": " + last_error_;
      return false;
    }
    sent_ += static_cast<size_t>(n);
    while (!frames_.empty() && sent_ >= frames_.front()) {  // whole frames are out
      head_ += frames_.front();
      sent_ -= frames_.front();
      frames_.pop_front();
    }
  }
  out_.clear();
  head_ = sent_ = 0;
  return true;
}

bool ForwardSink::write(const FinishedRecord& r, std::string* err) {
  busy_ = false;
  std::string msg = format_rfc5424(r, boot_wall_usec(), format_);
  if (target_.scheme == "udp") {
    if (!ensure_connected(err)) return false;
    if (msg.size() > 2048) msg.resize(2048);  // RFC 5426: what every receiver accepts
    if (::send(fd_, msg.data(), msg.size(), MSG_NOSIGNAL | MSG_DONTWAIT) < 0) {
      busy_ = errno == EAGAIN;
      *err = describe() + ": " + std::strerror(errno);
      if (!busy_) disconnect(std::strerror(errno));
      return false;
    }
    return true;
  }
  if (out_.size() - head_ >= kMaxPending) {
    if (!flush(err) || out_.size() - head_ >= kMaxPending) return false;
  }
  if (head_ > 0 && head_ >= out_.size() / 2) {  // compact now and then, not per frame
    out_.erase(0, head_);
    head_ = 0;
  }
  std::string frame = target_.lf_framing ? msg + "\n" : std::to_string(msg.size()) + " " + msg;
  frames_.push_back(frame.size());
  out_ += frame;
  std::string ignored;
  flush(&ignored);  // best effort now; the record is accepted either way
  return true;
}

bool ForwardSink::flush(std::string* err) {
  if (target_.scheme == "udp" || head_ == out_.size()) return true;
  if (!ensure_connected(err)) return false;
  return send_pending(err);
}

}  // namespace klogd
