#pragma once
/// A --forward target: SCHEME://HOST[:PORT][?OPTION] with udp (default port 514), tcp (514;
/// "?framing=lf" for newline framing instead of octet counting), tls (6514) and relp (port
/// required). HOST is a name, an IPv4 literal or an [IPv6] literal.

#include <cstdint>
#include <string>
#include <string_view>

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

/// The target's own directory name under --forward-queue-dir: "tcp-127.0.0.1-514", characters
/// other than [A-Za-z0-9.-] as '_' (IPv6 colons included).
std::string queue_dir_name(const ForwardTarget& t);

}  // namespace klogd
