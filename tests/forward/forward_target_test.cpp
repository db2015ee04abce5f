// --forward URLs.
#include "forward/forward_target.h"

#include <catch2/catch.hpp>

using namespace klogd;

TEST_CASE("forward: URLs, default ports, IPv6, framing", "[forward]") {
  ForwardTarget t;
  std::string err;
  REQUIRE(parse_forward_url("udp://loghost", &t, &err));
  CHECK(t.scheme == "udp");
  CHECK(t.host == "loghost");
  CHECK(t.port == 514);
  REQUIRE(parse_forward_url("tcp://10.0.0.1:1514?framing=lf", &t, &err));
  CHECK(t.port == 1514);
  CHECK(t.lf_framing);
  REQUIRE(parse_forward_url("tcp://[::1]:601", &t, &err));
  CHECK(t.host == "::1");
  CHECK(t.port == 601);
  REQUIRE(parse_forward_url("tls://collector.example", &t, &err));
  CHECK(t.port == 6514);
  REQUIRE(parse_forward_url("relp://127.0.0.1:2514", &t, &err));
  CHECK(t.port == 2514);
  REQUIRE(parse_forward_url("tcp://log_host-1.example.org:514", &t, &err));
  REQUIRE(parse_forward_url("tcp://[fe80::1%eth0]:514", &t, &err));
  for (std::string bad :
       {"loghost", "ftp://x", "tcp://", "tcp://x:0", "tcp://x:70000", "tcp://x:12a", "relp://x",
        "tcp://[::1", "tcp://x?framing=zz", "tcp://bad host:514", "tcp://a/b", "tcp://-x",
        "udp://a\"b", "tcp://[::1 ]:5", "tcp://caf\xc3\xa9"}) {
    INFO(bad);
    CHECK_FALSE(parse_forward_url(bad, &t, &err));
    CHECK(err.find(bad) != std::string::npos);
  }
}

TEST_CASE("forward: queue directory names", "[forward]") {
  ForwardTarget t;
  std::string err;
  REQUIRE(parse_forward_url("tcp://[2001:db8::1]:601?framing=lf", &t, &err));
  CHECK(queue_dir_name(t) == "tcp-2001_db8__1-601-lf");
  REQUIRE(parse_forward_url("relp://logs.example:2514", &t, &err));
  CHECK(queue_dir_name(t) == "relp-logs.example-2514");
}
