#include "forward_transport.h"

#include <netdb.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fcntl.h>

namespace klogd {

std::unique_ptr<ForwardTransport> make_tls_transport(const ForwardTarget& t, const TlsOptions& o);
std::unique_ptr<ForwardTransport> make_relp_transport(const ForwardTarget& t);

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
    return fd >= 0;
  }

  bool send(const std::vector<std::string>& messages, size_t* sent, std::string* err) override {
    *sent = 0;
    if (t_.scheme == "udp") {
      for (const std::string& m : messages) {
        size_t n = std::min<size_t>(m.size(), 2048);  // RFC 5426: what every receiver accepts
        if (::send(fd_, m.data(), n, MSG_NOSIGNAL) < 0) {
          *err = std::strerror(errno);
          return false;
        }
        ++*sent;
      }
      return true;
    }
    // One write for the batch; `ends` marks where each message's frame ends.
    std::string buf;
    std::vector<size_t> ends;
    for (const std::string& m : messages) {
      if (t_.lf_framing) {
        buf += m;
        buf += '\n';
      } else {
        buf += std::to_string(m.size());
        buf += ' ';
        buf += m;
      }
      ends.push_back(buf.size());
    }
    size_t done = 0;
    while (done < buf.size()) {
      ssize_t n = ::send(fd_, buf.data() + done, buf.size() - done, MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EINTR) continue;
        *err = std::strerror(errno);
        break;
      }
      done += static_cast<size_t>(n);
    }
    while (*sent < ends.size() && ends[*sent] <= done) ++*sent;
    return done == buf.size();
  }

  bool peer_closed() override {
    if (fd_ < 0 || t_.scheme == "udp") return false;
    pollfd p{fd_, POLLRDHUP, 0};
    return ::poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR));
  }

  void close() override {
    int fd = fd_.exchange(-1);
    if (fd >= 0) ::close(fd);
  }

  void interrupt() override {
    uint64_t one = 1;
    if (::write(interrupt_fd_, &one, sizeof one) < 0) {
    }
    int fd = fd_.load();
    if (fd >= 0) ::shutdown(fd, SHUT_RDWR);
  }

 private:
  ForwardTarget t_;
  std::atomic<int> fd_{-1};
  int interrupt_fd_;
};

}  // namespace

std::unique_ptr<ForwardTransport> make_forward_transport(const ForwardTarget& t,
                                                         const TlsOptions& tls) {
  if (t.scheme == "tls") return make_tls_transport(t, tls);
  if (t.scheme == "relp") return make_relp_transport(t);
  return std::make_unique<SocketTransport>(t);
}

}  // namespace klogd
