#include "forward/forward_transport.h"

#include <fcntl.h>
#include <linux/sockios.h>
#include <linux/tcp.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstring>

#include "util/plugin.h"
#include "util/text.h"

namespace klogd {

std::unique_ptr<ForwardTransport> make_relp_transport(const ForwardTarget& t);

void interrupt_socket(int interrupt_fd, int fd) {
  uint64_t one = 1;
  if (::write(interrupt_fd, &one, sizeof one) < 0) {
    // an eventfd write fails only on overflow: it is signalled already
  }
  if (fd >= 0) ::shutdown(fd, SHUT_RDWR);
}

StreamFrames::StreamFrames(const std::vector<std::string>& messages, bool lf) {
  for (const std::string& m : messages) {
    if (lf) {
      bytes += m;
      bytes += '\n';
    } else {
      bytes += std::to_string(m.size());
      bytes += ' ';
      bytes += m;
    }
    ends.push_back(bytes.size());
  }
}

void StreamFrames::handed(size_t done, uint64_t base, std::vector<uint64_t>* out) const {
  for (size_t i = 0; i < ends.size() && ends[i] <= done; ++i) out->push_back(base + ends[i]);
}

bool peer_hung_up(int fd) {
  if (fd < 0) return false;
  pollfd p{fd, POLLRDHUP, 0};
  return ::poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR));
}

void close_without_reset(int fd, int timeout_ms) {
  if (fd < 0) return;
  ::shutdown(fd, SHUT_WR);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  char buf[4096];
  for (;;) {
    ssize_t n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n == 0) return;  // the peer closed too
    if (n < 0 && errno != EAGAIN && errno != EINTR) return;
    if (n > 0) continue;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return;
    pollfd p{fd, POLLIN, 0};
    ::poll(&p, 1, static_cast<int>(left.count()));
  }
}

uint64_t unsent_bytes(int fd) {
  int outq = 0;
  if (fd < 0 || ::ioctl(fd, SIOCOUTQ, &outq) != 0 || outq < 0) return 0;
  return static_cast<uint64_t>(outq);
}

int connect_tcp(const std::string& host, uint16_t port, int socktype, int timeout_ms,
                int interrupt_fd, std::string* err) {
  addrinfo hints{};
  hints.ai_socktype = socktype;
  addrinfo* res = nullptr;
  int rc = ::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &res);
  if (rc != 0) {
    *err = "cannot resolve " + host + ": " + gai_strerror(rc);
    return -1;
  }
  int fd = -1;
  for (addrinfo* a = res; a; a = a->ai_next) {
    fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      *err = std::strerror(errno);
      continue;
    }
    rc = ::connect(fd, a->ai_addr, a->ai_addrlen);
    if (rc != 0 && errno == EINPROGRESS) {
      pollfd p[2] = {{fd, POLLOUT, 0}, {interrupt_fd, POLLIN, 0}};
      int n;
      do n = ::poll(p, interrupt_fd >= 0 ? 2 : 1, timeout_ms);
      while (n < 0 && errno == EINTR);
      if (n == 0) {
        errno = ETIMEDOUT;
      } else if (p[1].revents) {
        errno = ECANCELED;
      } else {
        int so_error = 0;
        socklen_t len = sizeof so_error;
        ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &len);
        errno = so_error;
        rc = so_error == 0 ? 0 : -1;
      }
    }
    if (rc == 0) break;
    *err = std::strerror(errno);
    ::close(fd);
    fd = -1;
  }
  ::freeaddrinfo(res);
  if (fd >= 0) ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  return fd;
}

namespace {

constexpr size_t kUdpMax = 2048;  // RFC 5426: what every receiver accepts

/// udp:// and tcp://: a plain socket.
class SocketTransport : public ForwardTransport {
 public:
  explicit SocketTransport(ForwardTarget t)
      : t_(std::move(t)), interrupt_fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {}
  ~SocketTransport() override {
    close();
    if (interrupt_fd_ >= 0) ::close(interrupt_fd_);
  }

  bool connect(std::string* err) override {
    close();
    int fd = connect_tcp(t_.host, t_.port, t_.scheme == "udp" ? SOCK_DGRAM : SOCK_STREAM, 10000,
                         interrupt_fd_, err);
    fd_ = fd;
    written_ = last_taken_ = 0;
    failed_ = false;
    return fd >= 0;
  }

  bool send(const std::vector<std::string>& messages, std::vector<uint64_t>* handed,
            std::string* err) override {
    handed->clear();
    uint64_t base = written_;
    if (t_.scheme == "udp") {
      for (const std::string& m : messages) {
        // RFC 5426: 2048 bytes is what every receiver accepts; never half a character or
        // escape, and the cut said, as the syslog sink does
        std::string cut = m.size() > kUdpMax ? cut_message(m, kUdpMax) : std::string();
        const std::string& d = cut.empty() ? m : cut;
        if (::send(fd_, d.data(), d.size(), MSG_NOSIGNAL) < 0) {
          *err = std::strerror(errno);
          return false;
        }
        written_ += d.size();
        handed->push_back(written_);
      }
      return true;
    }
    StreamFrames frames(messages, t_.lf_framing);  // one write for the batch
    const std::string& buf = frames.bytes;
    // While the socket is full, look every 5 ms at what the collector has taken: when the
    // connection then fails, that last view says what need not be sent again.
    size_t done = 0;
    failed_ = false;
    while (done < buf.size()) {
      ssize_t n = ::send(fd_, buf.data() + done, buf.size() - done, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n < 0 && errno == EAGAIN) {  // full: wait a little, and look at what was taken
        pollfd p[2] = {{fd_, POLLOUT, 0}, {interrupt_fd_, POLLIN, 0}};
        ::poll(p, 2, 5);
        if (p[1].revents) {
          *err = "interrupted";
          failed_ = true;
          break;
        }
        taken();
        continue;
      }
      if (n < 0) {
        if (errno == EINTR) continue;
        *err = std::strerror(errno);
        failed_ = true;
        break;
      }
      done += static_cast<size_t>(n);
      written_ += static_cast<size_t>(n);
      taken();
    }
    frames.handed(done, base, handed);
    return done == buf.size();
  }

  uint64_t handed_over() const override { return written_; }
  // What the collector's TCP acknowledged (tcpi_bytes_acked): still readable after a reset, so
  // exactly what need not be sent again.
  uint64_t taken() override {
    if (t_.scheme == "udp") return written_;
    tcp_info ti{};
    socklen_t len = sizeof ti;
    if (fd_ >= 0 && ::getsockopt(fd_, IPPROTO_TCP, TCP_INFO, &ti, &len) == 0 &&
        len >= offsetof(tcp_info, tcpi_bytes_acked) + sizeof ti.tcpi_bytes_acked)
      last_taken_ = std::min<uint64_t>(ti.tcpi_bytes_acked, written_);
    else if (!failed_)
      last_taken_ = written_ - std::min<uint64_t>(written_, unsent_bytes(fd_));
    return last_taken_;
  }

  bool peer_closed() override { return t_.scheme != "udp" && peer_hung_up(fd_); }

  void close() override {
    int fd = fd_.exchange(-1);
    if (fd >= 0) ::close(fd);
  }

  void interrupt() override { interrupt_socket(interrupt_fd_, fd_.load()); }

 private:
  ForwardTarget t_;
  std::atomic<int> fd_{-1};
  int interrupt_fd_;
  uint64_t written_ = 0;
  uint64_t last_taken_ = 0;
  bool failed_ = false;
};

}  // namespace

namespace {

// What stands for a transport whose plugin could not be loaded: its reason is the setup error
// (the daemon refuses to start, saying it: the user named that target).
class MissingTransport final : public ForwardTransport {
 public:
  explicit MissingTransport(std::string why) : why_(std::move(why)) {}
  bool connect(std::string* err) override {
    *err = why_;
    return false;
  }
  bool send(const std::vector<std::string>&, std::vector<uint64_t>*, std::string* err) override {
    *err = why_;
    return false;
  }
  uint64_t handed_over() const override { return 0; }
  void close() override {}
  std::string setup_error() const override { return why_; }
  void interrupt() override {}

 private:
  std::string why_;
};

// tls://, from the tls plugin (util/plugin.h): libssl is mapped only when such a target is named.
std::unique_ptr<ForwardTransport> make_tls_transport(const ForwardTarget& t, const TlsOptions& o) {
  using Make = ForwardTransport* (*)(const ForwardTarget&, const TlsOptions&);
  std::string err;
  auto make = reinterpret_cast<Make>(plugin_symbol("tls", "klogd_tls_transport", &err));
  if (!make) return std::make_unique<MissingTransport>(err);
  return std::unique_ptr<ForwardTransport>(make(t, o));
}

}  // namespace

std::unique_ptr<ForwardTransport> make_forward_transport(const ForwardTarget& t,
                                                         const TlsOptions& tls) {
  if (t.scheme == "tls") return make_tls_transport(t, tls);
  if (t.scheme == "relp") return make_relp_transport(t);
  return std::make_unique<SocketTransport>(t);
}

}  // namespace klogd
