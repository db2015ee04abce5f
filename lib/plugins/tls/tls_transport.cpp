// The tls plugin (libklogd-tls.so), loaded when a tls:// target is named: OpenSSL's libssl is
// mapped then only.
// tls://: RFC 5425, octet-counted frames inside TLS, OpenSSL through Boost.Asio (blocking calls
// on the sender thread). The server's certificate is verified, always: chain against --tls-ca
// (else the system's CAs), name against --tls-name (else HOST) by OpenSSL's own check
// (X509_VERIFY_PARAM_set1_host / _ip_asc).
#include <openssl/x509v3.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <memory>

#include "forward/forward_transport.h"

namespace klogd {
namespace {

namespace asio = boost::asio;
using Stream = asio::ssl::stream<asio::ip::tcp::socket>;

bool is_ip_literal(const std::string& host) {
  boost::system::error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

class TlsTransport : public ForwardTransport {
 public:
  TlsTransport(ForwardTarget t, TlsOptions o)
      : t_(std::move(t)),
        o_(std::move(o)),
        ctx_(asio::ssl::context::tls_client),
        interrupt_fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
    if (o_.name.empty()) o_.name = t_.host;
    boost::system::error_code ec;
    ctx_.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                     asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                     asio::ssl::context::no_tlsv1_1);
    if (!o_.ca_file.empty()) {
      ctx_.load_verify_file(o_.ca_file, ec);
      if (ec) setup_error_ = "--tls-ca " + o_.ca_file + ": " + ec.message();
    } else {
      ctx_.set_default_verify_paths(ec);
      if (ec) setup_error_ = "system CA certificates: " + ec.message();
    }
    if (!o_.cert_file.empty() && setup_error_.empty()) {
      ctx_.use_certificate_chain_file(o_.cert_file, ec);
      if (ec) setup_error_ = "--tls-cert " + o_.cert_file + ": " + ec.message();
    }
    if (!o_.key_file.empty() && setup_error_.empty()) {
      ctx_.use_private_key_file(o_.key_file, asio::ssl::context::pem, ec);
      if (ec) setup_error_ = "--tls-key " + o_.key_file + ": " + ec.message();
    }
  }
  ~TlsTransport() override {
    close();
    if (interrupt_fd_ >= 0) ::close(interrupt_fd_);
  }

  bool connect(std::string* err) override {
    close();
    if (!setup_error_.empty()) {
      *err = setup_error_;
      return false;
    }
    int fd = connect_tcp(t_.host, t_.port, SOCK_STREAM, 10000, interrupt_fd_, err);
    if (fd < 0) return false;
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len);
    stream_ = std::make_unique<Stream>(io_, ctx_);
    boost::system::error_code ec;
    stream_->lowest_layer().assign(
        ss.ss_family == AF_INET6 ? asio::ip::tcp::v6() : asio::ip::tcp::v4(), fd, ec);
    if (ec) {
      ::close(fd);
      *err = ec.message();
      stream_.reset();
      return false;
    }
    fd_ = fd;
    written_ = last_taken_ = 0;
    failed_ = false;
    stream_->set_verify_mode(asio::ssl::verify_peer);
    // OpenSSL's own name check, so that a mismatch is reported as one
    X509_VERIFY_PARAM* param = SSL_get0_param(stream_->native_handle());
    if (is_ip_literal(o_.name))
      X509_VERIFY_PARAM_set1_ip_asc(param, o_.name.c_str());
    else
      X509_VERIFY_PARAM_set1_host(param, o_.name.c_str(), 0);
    if (!is_ip_literal(o_.name))
      SSL_set_tlsext_host_name(stream_->native_handle(), o_.name.c_str());
    stream_->handshake(asio::ssl::stream_base::client, ec);
    if (ec) {
      long v = SSL_get_verify_result(stream_->native_handle());
      *err = "TLS handshake failed: " + ec.message();
      if (v != X509_V_OK)
        *err += std::string(" (certificate: ") + X509_verify_cert_error_string(v) +
                (v == X509_V_ERR_HOSTNAME_MISMATCH || v == X509_V_ERR_IP_ADDRESS_MISMATCH
                     ? ", expected name " + o_.name
                     : "") +
                ")";
      close();
      return false;
    }
    return true;
  }

  bool send(const std::vector<std::string>& messages, std::vector<uint64_t>* handed,
            std::string* err) override {
    handed->clear();
    uint64_t base = written_;
    StreamFrames frames(messages, false);
    const std::string& buf = frames.bytes;
    // In slices, noting after each what the collector has taken (see the tcp transport).
    boost::system::error_code ec;
    size_t done = 0;
    failed_ = false;
    while (done < buf.size() && !ec) {
      size_t n = asio::write(
          *stream_, asio::buffer(buf.data() + done, std::min<size_t>(buf.size() - done, 16 << 10)),
          ec);
      done += n;
      written_ += n;
      taken();
    }
    failed_ = static_cast<bool>(ec);
    frames.handed(done, base, handed);
    if (ec) *err = ec.message();
    return !ec;
  }

  uint64_t handed_over() const override { return written_; }
  // SIOCOUTQ counts TLS record bytes, a little more than the text they carry: the estimate of
  // what was taken errs low, towards sending again rather than losing.
  uint64_t taken() override {
    if (!failed_) {  // after a failure the kernel has dropped its queue: keep the last view
      uint64_t outq = unsent_bytes(fd_.load());
      last_taken_ = written_ > outq ? written_ - outq : 0;
    }
    return last_taken_;
  }

  bool peer_closed() override { return peer_hung_up(fd_.load()); }

  std::string setup_error() const override { return setup_error_; }

  // The end of a session at exit: our close_notify (RFC 5246 §7.2.1; the peer's is not waited
  // for), then the TCP close without a reset (what the collector sent, session tickets, is read
  // first), so that it ends like any session and the collector logs no error.
  void finish() override {
    if (!stream_ || failed_) return;
    // Asio's engine writes through a memory BIO: its shutdown sends the alert, then waits for
    // the peer's, which is given a bounded time here.
    bool done = false;
    stream_->async_shutdown([&](boost::system::error_code) { done = true; });
    io_.restart();
    io_.run_for(std::chrono::milliseconds(500));
    if (!done) {
      boost::system::error_code ec;
      stream_->lowest_layer().cancel(ec);
      io_.restart();
      io_.run_for(std::chrono::milliseconds(100));
    }
    close_without_reset(fd_.load(), 500);
  }

  void close() override {
    fd_ = -1;
    if (stream_) {
      boost::system::error_code ec;
      stream_->lowest_layer().close(ec);
      stream_.reset();
    }
  }

  void interrupt() override { interrupt_socket(interrupt_fd_, fd_.load()); }

 private:
  ForwardTarget t_;
  TlsOptions o_;
  asio::io_context io_;
  asio::ssl::context ctx_;
  std::unique_ptr<Stream> stream_;
  std::atomic<int> fd_{-1};
  int interrupt_fd_;
  std::string setup_error_;
  uint64_t written_ = 0;
  uint64_t last_taken_ = 0;
  bool failed_ = false;
};

}  // namespace

}  // namespace klogd

/// The plugin's entry: a tls:// transport (owned by the caller).
extern "C" __attribute__((visibility("default"))) klogd::ForwardTransport* klogd_tls_transport(
    const klogd::ForwardTarget& t, const klogd::TlsOptions& o) {
  return new klogd::TlsTransport(t, o);
}
