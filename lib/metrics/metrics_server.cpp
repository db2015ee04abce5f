#include "metrics/metrics_server.h"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <optional>

#include "util/text.h"

namespace klogd {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

bool parse_listen_address(const std::string& text, tcp::endpoint* out, std::string* err) {
  size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon + 1 == text.size()) {
    *err = "--metrics-listen " + text + ": want ADDRESS:PORT (127.0.0.1:9468, [::1]:9468)";
    return false;
  }
  std::string host = text.substr(0, colon), port = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  else if (host.find(':') != std::string::npos)
    host.clear();  // IPv6 without brackets
  boost::system::error_code ec;
  asio::ip::address a = asio::ip::make_address(host, ec);
  std::optional<uint64_t> p = parse_decimal(port);
  if (ec || host.empty() || !p || *p == 0 || *p > 65535) {
    *err = "--metrics-listen " + text +
           ": want an IP address and a port (127.0.0.1:9468, [::1]:9468; no host names)";
    return false;
  }
  *out = tcp::endpoint(a, static_cast<unsigned short>(*p));
  return true;
}

struct MetricsServer::State {
  Options o;
  std::function<std::string()> render;
  EndpointCounters counters;
  size_t open = 0;
};

class MetricsServer::Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket s, std::shared_ptr<State> st)
      : stream_(std::move(s)), buffer_(st->o.header_limit + 1024), st_(std::move(st)) {
    ++st_->open;
  }
  ~Session() { --st_->open; }

  void read() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(st_->o.header_limit));
    parser_->body_limit(0);
    stream_.expires_after(st_->o.timeout);
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->on_read(ec); });
  }

 private:
  void on_read(beast::error_code ec) {
    if (ec == http::error::end_of_stream) return close();  // the client is done
    if (ec) {
      // A connection idle between scrapes (Prometheus keeps one alive) is closed quietly: only a
      // request that arrived in part and stalled is a slow client.
      if (ec == beast::error::timeout) {
        if (parser_->got_some() || buffer_.size() > 0) ++st_->counters.timeouts;
      } else if (ec != asio::error::operation_aborted)
        ++st_->counters.bad_requests;
      return close();
    }
    const auto& req = parser_->get();
    res_ = {};
    res_.version(req.version());
    res_.keep_alive(req.keep_alive());
    res_.set(http::field::server, "klogd");
    std::string_view target(req.target().data(), req.target().size());
    target = target.substr(0, target.find('?'));
    if (req.method() != http::verb::get && req.method() != http::verb::head) {
      res_.result(http::status::method_not_allowed);
      res_.set(http::field::allow, "GET, HEAD");
      res_.set(http::field::content_type, "text/plain; charset=utf-8");
      res_.body() = "only GET /metrics\n";
    } else if (target != "/metrics") {
      res_.result(http::status::not_found);
      res_.set(http::field::content_type, "text/plain; charset=utf-8");
      res_.body() = "klogd serves /metrics\n";
    } else {
      ++st_->counters.requests;
      res_.result(http::status::ok);
      res_.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
      if (req.method() == http::verb::get) res_.body() = st_->render();
    }
    res_.prepare_payload();
    stream_.expires_after(st_->o.timeout);
    http::async_write(stream_, res_, [self = shared_from_this()](beast::error_code e, size_t) {
      if (e) {
        if (e == beast::error::timeout) ++self->st_->counters.timeouts;
        return self->close();
      }
      if (self->res_.keep_alive()) return self->read();
      self->close();
    });
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.close();
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::empty_body>> parser_;
  http::response<http::string_body> res_;
  std::shared_ptr<State> st_;
};

MetricsServer::MetricsServer(asio::io_context& io, Options o, std::function<std::string()> render)
    : state_(std::make_shared<State>(State{o, std::move(render), {}, 0})),
      acceptor_(io),
      retry_(io) {}

MetricsServer::~MetricsServer() { stop(); }

bool MetricsServer::start(std::string* err) {
  beast::error_code ec;
  const tcp::endpoint& ep = state_->o.endpoint;
  auto fail = [&](const char* what) {
    *err = "metrics endpoint " + ep.address().to_string() + ":" + std::to_string(ep.port()) + ": " +
           what + ": " + ec.message();
    beast::error_code ignored;
    acceptor_.close(ignored);
    return false;
  };
  if (acceptor_.open(ep.protocol(), ec)) return fail("socket");
  acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (ep.address().is_v6()) acceptor_.set_option(asio::ip::v6_only(true), ec);
  if (acceptor_.bind(ep, ec)) return fail("bind");
  if (acceptor_.listen(asio::socket_base::max_listen_connections, ec)) return fail("listen");
  accept();
  return true;
}

void MetricsServer::stop() {
  beast::error_code ignored;
  retry_.cancel();
  acceptor_.close(ignored);
}

const EndpointCounters& MetricsServer::counters() const { return state_->counters; }

tcp::endpoint MetricsServer::local_endpoint() const {
  beast::error_code ec;
  return acceptor_.local_endpoint(ec);
}

void MetricsServer::accept() {
  acceptor_.async_accept([this](beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
    if (ec) {
      // out of fds, or the like: try again shortly, never in a tight loop
      retry_.expires_after(std::chrono::milliseconds(100));
      retry_.async_wait([this](beast::error_code e) {
        if (!e) accept();
      });
      return;
    }
    if (state_->open >= state_->o.max_connections) {
      ++state_->counters.refused_busy;
      beast::error_code ignored;
      socket.close(ignored);
    } else {
      std::make_shared<Session>(std::move(socket), state_)->read();
    }
    accept();
  });
}

}  // namespace klogd
