#include "forward/forward_target.h"

namespace klogd {
namespace {

// A host name (RFC 1123 letters, digits, '-', '.', and '_' as resolvers take it) or an IP
// literal; nothing that a space, a slash or a quote could make into another name or path.
bool plausible_host(std::string_view h, bool bracketed) {
  if (h.empty() || h.size() > 253) return false;
  for (char c : h) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '.' || (!bracketed && c == '_') ||
              (bracketed && (c == ':' || c == '%'));
    if (!ok) return false;
  }
  return h.front() != '-' && h.front() != '.';
}

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
  if (!plausible_host(out->host, url.substr(sep + 3).starts_with("["))) {
    *err = "--forward " + std::string(url) + ": not a host name or IP address: '" + out->host + "'";
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

std::string queue_dir_name(const ForwardTarget& t) {
  std::string name =
      t.scheme + "-" + t.host + "-" + std::to_string(t.port) + (t.lf_framing ? "-lf" : "");
  for (char& c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
          c == '-'))
      c = '_';
  return name;
}

}  // namespace klogd
