#pragma once
// The real servers the system tests run, each started by a test and stopped by PID: rsyslogd as
// local syslog or as a collector (private config, loopback only), systemd-journald by hand.
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <string>
#include <vector>

#include "test_util.h"

namespace klogd::test {

// rsyslogd with a private config: imuxsock on DIR/log keeping the client's timestamp, every
// message written to DIR/out through `tmpl`.
struct Rsyslog {
  std::string dir = temp_dir();
  Child pid;
  explicit Rsyslog(const std::string& tmpl) {
    write_file(dir + "/rsyslog.conf", "global(workDirectory=\"" + dir +
                                          "\")\n"
                                          "module(load=\"imuxsock\" SysSock.Use=\"off\")\n"
                                          "input(type=\"imuxsock\" Socket=\"" +
                                          dir +
                                          "/log\" IgnoreTimestamp=\"off\" "
                                          "UseSpecialParser=\"off\")\n"
                                          "template(name=\"t\" type=\"string\" string=\"" +
                                          tmpl +
                                          "\\n\")\n"
                                          "*.* action(type=\"omfile\" file=\"" +
                                          dir + "/out\" template=\"t\")\n");
  }
  void start() {
    pid.start("rsyslogd -n -f " + dir + "/rsyslog.conf -i " + dir + "/rsyslogd.pid");
    REQUIRE(wait_until([&] { return exists(dir + "/log"); }));
  }
  ~Rsyslog() { pid.stop(); }
  std::string socket() const { return dir + "/log"; }
  std::string out() const { return read_file(dir + "/out"); }
};

// systemd-journald run by hand on the standard socket path.
struct Journald {
  Child pid;
  /// journald refuses to start without a cgroup filesystem ("Failed to acquire cgroup root
  /// path"), as in a bare chroot; every real host and CI has one.
  static bool can_run() {
    return exists("/sys/fs/cgroup/cgroup.controllers") || exists("/sys/fs/cgroup/systemd");
  }
  void start() {
    pid.start("/lib/systemd/systemd-journald");
    REQUIRE(wait_until([] {
      return run_command("systemd-cat -t klogd-test-probe true").status == 0 &&
             exists("/run/systemd/journal/socket");
    }));
  }
  void kill9() { pid.stop(SIGKILL); }
  ~Journald() { pid.stop(); }
};

// The entries whose MESSAGE holds `tag`, as journalctl's JSON lines.
inline std::vector<std::string> journal_entries(const std::string& tag) {
  auto r = run_command("journalctl --no-pager -o json SYSLOG_IDENTIFIER=kernel _TRANSPORT=journal");
  std::vector<std::string> out;
  for (const auto& l : lines_of(r.output))
    if (l.find(tag) != std::string::npos) out.push_back(l);
  return out;
}

/// 127.0.0.1:port.
inline sockaddr_in loopback_address(int port = 0) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<uint16_t>(port));
  return a;
}

/// A socket of `type` bound to 127.0.0.1 at a port the kernel picks (*port).
inline int bind_loopback(int type, int* port) {
  int fd = ::socket(AF_INET, type, 0);
  sockaddr_in a = loopback_address();
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  *port = ntohs(a.sin_port);
  return fd;
}

/// The _PID of a journalctl JSON entry (the klogd that wrote it).
inline std::string journal_pid(const std::string& entry) {
  size_t at = entry.find("\"_PID\":\"");
  REQUIRE(at != std::string::npos);
  at += 8;
  return entry.substr(at, entry.find('"', at) - at);
}

/// A listening TCP socket on 127.0.0.1 at a port the kernel picks (*port), with a receive buffer
/// of `rcvbuf` bytes (0: the default) that the accepted connections inherit.
inline int listen_loopback(int* port, int rcvbuf = 0, int backlog = 4) {
  int fd = bind_loopback(SOCK_STREAM, port);
  if (rcvbuf) ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  REQUIRE(::listen(fd, backlog) == 0);
  return fd;
}

/// A port nobody listens on now.
inline int free_port() {
  int port = 0;
  ::close(listen_loopback(&port));
  return port;
}

/// A CA and a server certificate for localhost / 127.0.0.1 signed by it, plus an unrelated CA.
struct Certificates {
  std::string dir = temp_dir();
  Certificates() {
    std::string d = dir;
    auto r = run_command(
        "(cd " + d +
        " && openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2"
        " -subj /CN=klogd-test-ca"
        " && openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr"
        " -subj /CN=localhost"
        " && printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\\n' > ext"
        " && openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial"
        " -out server.pem -days 2 -extfile ext"
        " && openssl req -x509 -newkey rsa:2048 -nodes -keyout other.key -out other.pem -days 2"
        " -subj /CN=some-other-ca) 2>&1");
    INFO(r.output);
    REQUIRE(r.status == 0);
  }
};

/// rsyslogd as a central collector on 127.0.0.1: `input` is imtcp, imudp, imrelp or imtls
/// (imtcp through the OpenSSL driver with `certs`); every raw message goes to DIR/out.
struct Collector {
  std::string dir = temp_dir();
  int port = free_port();
  Child pid;
  std::string input;
  Collector(const std::string& in, const Certificates* certs = nullptr,
            const std::string& address = "127.0.0.1")
      : input(in) {
    std::string conf = "global(workDirectory=\"" + dir + "\"";
    if (input == "imtls")
      conf += " DefaultNetstreamDriver=\"ossl\" DefaultNetstreamDriverCAFile=\"" + certs->dir +
              "/ca.pem\" DefaultNetstreamDriverCertFile=\"" + certs->dir +
              "/server.pem\" DefaultNetstreamDriverKeyFile=\"" + certs->dir + "/server.key\"";
    conf += ")\n";
    if (input == "imtls")
      conf +=
          "module(load=\"imtcp\" StreamDriver.Name=\"ossl\" StreamDriver.Mode=\"1\" "
          "StreamDriver.AuthMode=\"anon\")\n";
    else
      conf += "module(load=\"" + input + "\")\n";
    conf += "input(type=\"" + std::string(input == "imtls" ? "imtcp" : input) + "\" address=\"" +
            address + "\" port=\"" + std::to_string(port) + "\")\n";
    conf +=
        "template(name=\"raw\" type=\"string\" string=\"%rawmsg%\\n\")\n"
        "*.* action(type=\"omfile\" file=\"" +
        dir + "/out\" template=\"raw\")\n";
    write_file(dir + "/rsyslog.conf", conf);
  }
  void start() {
    pid.start("rsyslogd -n -f " + dir + "/rsyslog.conf -i " + dir + "/rsyslogd.pid 2>>" + dir +
              "/rsyslogd.err");
    // listening: the port (hex) in the local-address column of /proc/net/{tcp,udp}
    char hexport[16];
    std::snprintf(hexport, sizeof hexport, ":%04X ", port);
    REQUIRE(wait_until([&] {
      return (read_file("/proc/net/tcp") + read_file("/proc/net/udp") + read_file("/proc/net/tcp6"))
                 .find(hexport) != std::string::npos;
    }));
  }
  void stop(int sig = SIGTERM) { pid.stop(sig); }
  std::string out() const { return read_file(dir + "/out"); }
};

/// syslog-ng as a central collector on 127.0.0.1 (Debian's syslog-ng-core, unpacked by
/// packaging/setup.sh into KLOGD_SYSLOG_NG_ROOT: the package conflicts with rsyslog, so it is not
/// installed). `transport` is tcp, udp or tls; every message goes to DIR/out through a template
/// that shows what syslog-ng parsed (HOST, PROGRAM, the kmsg SD-PARAMs, MSG), syslog-ng's own
/// messages to DIR/internal.
struct SyslogNg {
  std::string root = KLOGD_SYSLOG_NG_ROOT;
  std::string dir = temp_dir();
  int port = free_port();
  Child pid;
  static bool available() { return exists(KLOGD_SYSLOG_NG_ROOT "/usr/sbin/syslog-ng"); }
  SyslogNg(const std::string& transport, const Certificates* certs = nullptr) {
    std::string tls;
    if (transport == "tls")
      tls = " tls(key-file(\"" + certs->dir + "/server.key\") cert-file(\"" + certs->dir +
            "/server.pem\") peer-verify(optional-untrusted))";
    write_file(dir + "/syslog-ng.conf",
               "@version: 3.38\n"
               "options { keep-hostname(yes); };\n"
               "source s_net { syslog(ip(\"127.0.0.1\") port(" +
                   std::to_string(port) + ") transport(\"" + transport + "\")" + tls +
                   "); };\n"
                   "source s_self { internal(); };\n"
                   "destination d_out { file(\"" +
                   dir +
                   "/out\" template(\"host=$HOST prog=$PROGRAM pri=$PRI "
                   "seq=${.SDATA.kmsg@32473.seq} mono=${.SDATA.kmsg@32473.mono} "
                   "boot=${.SDATA.kmsg@32473.boot} msg=$MSG\\n\")); };\n"
                   "destination d_self { file(\"" +
                   dir +
                   "/internal\"); };\n"
                   "log { source(s_net); destination(d_out); };\n"
                   "log { source(s_self); destination(d_self); };\n");
  }
  void start() {
    pid.start("env LD_LIBRARY_PATH=" + root + "/usr/lib/syslog-ng " + root +
              "/usr/sbin/syslog-ng -F --no-caps -f " + dir +
              "/syslog-ng.conf --module-path=" + root + "/usr/lib/syslog-ng/3.38 -R " + dir +
              "/persist -p " + dir + "/pid -c " + dir + "/ctl 2>>" + dir + "/stderr");
    REQUIRE(wait_until(
        [&] { return read_file(dir + "/internal").find("starting up") != std::string::npos; }));
  }
  ~SyslogNg() { pid.stop(); }
  std::string out() const { return read_file(dir + "/out"); }
  std::string internal() const { return read_file(dir + "/internal"); }
};

/// A TCP connection to 127.0.0.1:port (-1 when refused).
inline int connect_loopback(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a = loopback_address(port);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

/// One HTTP/1.1 request, its whole response (headers and body), written from scratch here.
inline std::string http_get(int port, const std::string& path = "/metrics",
                            const std::string& method = "GET") {
  int fd = connect_loopback(port);
  if (fd < 0) return {};
  std::string req =
      method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  if (::write(fd, req.data(), req.size()) != static_cast<ssize_t>(req.size())) {
    ::close(fd);
    return {};
  }
  std::string out;
  char buf[65536];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
  ::close(fd);
  return out;
}

/// A Prometheus server with a private config and storage folder on loopback, scraping
/// job "klogd" at 127.0.0.1:target_port every second.
struct Prometheus {
  std::string dir = temp_dir();
  int port = free_port();
  Child pid;
  explicit Prometheus(int target_port) {
    write_file(dir + "/prometheus.yml",
               "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
               "scrape_configs:\n  - job_name: klogd\n    scrape_interval: 1s\n"
               "    scrape_timeout: 1s\n    static_configs:\n      - targets: ['127.0.0.1:" +
                   std::to_string(target_port) + "']\n");
  }
  void start() {
    pid.start("prometheus --config.file=" + dir + "/prometheus.yml --storage.tsdb.path=" + dir +
              "/data --web.listen-address=127.0.0.1:" + std::to_string(port) + " 2>>" + dir +
              "/prometheus.log");
    REQUIRE(wait_until(
        [&] { return http_get(port, "/-/ready").find(" 200 ") != std::string::npos; }, 60000));
  }
  /// An instant query through its HTTP API (promtool), the JSON-free "value" of the result.
  std::string query(const std::string& expr) const {
    return run_command("promtool query instant http://127.0.0.1:" + std::to_string(port) + " '" +
                       expr + "'")
        .output;
  }
  ~Prometheus() { pid.stop(); }
  std::string log() const { return read_file(dir + "/prometheus.log"); }
};

/// The real debuginfod (elfutils), on loopback, serving the ELF files copied into its folder.
struct Debuginfod {
  std::string dir = temp_dir();
  int port = free_port();
  Child pid;
  static bool can_run() { return exists("/usr/bin/debuginfod"); }
  /// Serves `files`; returns once it gives `ready_build_id`'s debuginfo.
  void start(const std::vector<std::string>& files, const std::string& ready_build_id) {
    run_command("mkdir -p " + dir + "/files");
    for (const std::string& f : files) REQUIRE(run_command("cp " + f + " " + dir + "/files/").status == 0);
    pid.start("debuginfod -F " + dir + "/files -p " + std::to_string(port) + " -d " + dir +
              "/db.sqlite 2>>" + dir + "/debuginfod.log");
    REQUIRE(wait_until([&] {
      return http_get(port, "/buildid/" + ready_build_id + "/debuginfo").find(" 200 ") !=
             std::string::npos;
    }, 30000));
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port); }
  ~Debuginfod() { pid.stop(); }
};

/// A file's GNU build ID, as readelf prints it.
inline std::string build_id_of(const std::string& elf) {
  auto r = run_command("readelf -n " + elf + " | sed -n 's/.*Build ID: //p'");
  REQUIRE(r.status == 0);
  auto lines = lines_of(r.output);
  REQUIRE(lines.size() == 1);
  return lines[0];
}

}  // namespace klogd::test
