// Forwarding throughput on loopback. Prints numbers; never pass/fail.
//   build/tests/bench/forward_bench [RECORDS]
// klogd's ForwardSink (the daemon's own class: RFC 5424 formatting, queue, sender thread,
// transport) sends RECORDS kernel records to a receiver in this process that only reads and
// counts, so the figure is klogd's and not a collector's:
//   tcp   octet-counted frames; baseline in the same run: an inline sender on the caller's
//         thread (format, frame, send() per 256 KiB) into the same receiver; ratio klogd/inline
//   tls   the same inside TLS (OpenSSL through Asio on both ends; certificates made by openssl)
//   relp  a librelp server whose syslog callback counts (it acknowledges every message)
// then into rsyslogd (imtcp, imrelp -> omfile), counted by the lines it wrote, and the drain rate
// of a full disk queue (records queued to files with the target down, then the receiver started).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <thread>

#include "forward/forward_sink.h"
#include "util/wall_clock.h"

extern "C" {
#include <librelp.h>
}

using namespace klogd;
using Clock = std::chrono::steady_clock;
namespace asio = boost::asio;

namespace {

std::atomic<uint64_t> g_count{0};

// Counts octet-counted frames ("LEN SP MSG") in a byte stream.
struct FrameCounter {
  size_t need = 0;  // bytes of the current message still to skip
  size_t len = 0;
  bool in_len = true;
  void feed(const char* p, size_t n) {
    uint64_t frames = 0;
    for (size_t i = 0; i < n;) {
      if (need > 0) {
        size_t k = std::min(need, n - i);
        need -= k;
        i += k;
        if (need == 0) ++frames, in_len = true, len = 0;
        continue;
      }
      char c = p[i++];
      if (c == ' ') {
        need = len;
        in_len = false;
        if (need == 0) ++frames, in_len = true;
      } else {
        len = len * 10 + static_cast<size_t>(c - '0');
      }
    }
    g_count += frames;
  }
};

int listen_on(int* port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<uint16_t>(*port));
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return -1;
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  *port = ntohs(a.sin_port);
  ::listen(fd, 16);
  return fd;
}

// Plain TCP receiver: accepts connections one after another and counts.
std::thread tcp_receiver(int lfd) {
  return std::thread([lfd] {
    std::vector<char> buf(1 << 20);
    while (true) {
      int c = ::accept(lfd, nullptr, nullptr);
      if (c < 0) return;
      FrameCounter fc;
      ssize_t n;
      while ((n = ::read(c, buf.data(), buf.size())) > 0)
        fc.feed(buf.data(), static_cast<size_t>(n));
      ::close(c);
    }
  });
}

// Which records (by their seq="N") arrived, for the loss and duplicate counts.
struct SeqTracker {
  std::vector<uint8_t> seen;
  std::string partial;
  void feed(const char* p, size_t n) {
    partial.append(p, n);
    size_t at = 0;
    while ((at = partial.find("seq=\"", at)) != std::string::npos) {
      size_t end = partial.find('"', at + 5);
      if (end == std::string::npos) break;
      uint64_t q = std::stoull(partial.substr(at + 5, end - at - 5));
      if (q < seen.size() && seen[q] < 255) ++seen[q];
      at = end;
    }
    partial.erase(0, at == std::string::npos ? partial.size() : at);
  }
};
SeqTracker g_seqs;

// The collector dying mid-stream: the first connection is reset (RST, unread data discarded)
// once `abort_after` frames were read; later ones are read to the end.
std::thread dying_receiver(int lfd, uint64_t abort_after, bool slow) {
  return std::thread([lfd, abort_after, slow] {
    std::vector<char> buf(slow ? 4096 : 64 << 10);
    bool first = true;
    while (true) {
      int c = ::accept(lfd, nullptr, nullptr);
      if (c < 0) return;
      FrameCounter fc;
      uint64_t base = g_count;
      ssize_t n;
      while ((n = ::read(c, buf.data(), buf.size())) > 0) {
        fc.feed(buf.data(), static_cast<size_t>(n));
        g_seqs.feed(buf.data(), static_cast<size_t>(n));
        if (first && g_count - base >= abort_after) break;
        if (first && slow) std::this_thread::sleep_for(std::chrono::microseconds(100));
      }
      g_seqs.partial.clear();  // a frame cut by the reset
      if (first) {
        linger l{1, 0};
        ::setsockopt(c, SOL_SOCKET, SO_LINGER, &l, sizeof l);
        first = false;
      }
      ::close(c);
    }
  });
}

std::thread tls_receiver(int lfd, const std::string& certs) {
  return std::thread([lfd, certs] {
    asio::io_context io;
    asio::ssl::context ctx(asio::ssl::context::tls_server);
    ctx.use_certificate_chain_file(certs + "/server.pem");
    ctx.use_private_key_file(certs + "/server.key", asio::ssl::context::pem);
    std::vector<char> buf(1 << 20);
    while (true) {
      int c = ::accept(lfd, nullptr, nullptr);
      if (c < 0) return;
      asio::ssl::stream<asio::ip::tcp::socket> s(io, ctx);
      s.lowest_layer().assign(asio::ip::tcp::v4(), c);
      boost::system::error_code ec;
      s.handshake(asio::ssl::stream_base::server, ec);
      FrameCounter fc;
      while (!ec) {
        size_t n = s.read_some(asio::buffer(buf), ec);
        fc.feed(buf.data(), n);
      }
    }
  });
}

relpRetVal relp_count(void*, unsigned char*, unsigned char*, unsigned char*, size_t) {
  ++g_count;
  return RELP_RET_OK;
}
void relp_quiet(char*, ...) {}

FinishedRecord sample(uint64_t seq) {
  FinishedRecord r;
  r.record.facility = 0;
  r.record.level = 4;
  r.record.seq = seq;
  r.record.ts_usec = 5140900 + seq;
  r.text =
      "WARNING: CPU: 1 PID: 4242 at drivers/net/e1000e/netdev.c:5540 "
      "[e1000_watchdog_task+0x1a/0x80]";
  r.translated = true;
  r.symbols = "e1000_watchdog_task+0x1a/0x80";
  return r;
}

struct Result {
  double handover = 0;   // records/s handed over by the reader-side write()
  double delivered = 0;  // records/s until the receiver counted all
};

// Sends n records through a ForwardSink to `url`; `counted` says how many arrived.
Result run_sink(const std::string& url, uint64_t n, const std::string& qdir,
                const std::function<uint64_t()>& counted, const TlsOptions& tls = {}) {
  ForwardSinkOptions o;
  std::string err;
  parse_forward_url(url, &o.target, &err);
  o.format.hostname = "benchhost";
  o.format.boot_id = "274d6866-8c0e-4828-adba-4cb5d4dc16a8";
  o.format.bom = true;
  o.tls = tls;
  o.queue.dir = qdir;
  std::atomic<bool> up{false};
  o.log = [&](Note::Level level, const std::string& m) {
    if (m.find("connected") != std::string::npos) up = true;
    if (level > Note::Level::kInfo) std::fprintf(stderr, "%s\n", m.c_str());
  };
  ForwardSink sink(o);
  if (!sink.start(&err)) {
    std::fprintf(stderr, "%s\n", err.c_str());
    return {};
  }
  while (!up) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  uint64_t base = counted();
  auto t0 = Clock::now();
  for (uint64_t i = 0; i < n; ++i) {
    sink.write(sample(i), &err);
    if (i % 512 == 511) sink.flush(&err);  // the daemon flushes after each batch it read
  }
  sink.flush(&err);
  auto t1 = Clock::now();
  while (counted() - base < n) std::this_thread::sleep_for(std::chrono::microseconds(200));
  auto t2 = Clock::now();
  sink.stop();
  Result r;
  r.handover = n / std::chrono::duration<double>(t1 - t0).count();
  r.delivered = n / std::chrono::duration<double>(t2 - t0).count();
  return r;
}

// The baseline: the least an inline sender must do, on the caller's thread with no queue:
// format each record, frame it, and send() in 256 KiB batches.
double bare_tcp(int port, uint64_t n) {
  Rfc5424Options f;
  f.hostname = "benchhost";
  f.boot_id = "274d6866-8c0e-4828-adba-4cb5d4dc16a8";
  f.bom = true;
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<uint16_t>(port));
  ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  uint64_t base = g_count;
  auto t0 = Clock::now();
  std::string chunk;
  int64_t wall = boot_wall_usec();
  for (uint64_t i = 0; i < n; ++i) {
    std::string msg = format_rfc5424(sample(i), wall, f);
    chunk += std::to_string(msg.size());
    chunk += ' ';
    chunk += msg;
    if (chunk.size() >= (256u << 10) || i + 1 == n) {
      size_t off = 0;
      while (off < chunk.size())
        off += static_cast<size_t>(::send(fd, chunk.data() + off, chunk.size() - off, 0));
      chunk.clear();
    }
  }
  while (g_count - base < n) std::this_thread::sleep_for(std::chrono::microseconds(200));
  auto t1 = Clock::now();
  ::close(fd);
  return n / std::chrono::duration<double>(t1 - t0).count();
}

uint64_t count_lines(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<char> buf(1 << 20);
  uint64_t lines = 0;
  while (in.read(buf.data(), buf.size()) || in.gcount() > 0) {
    lines += static_cast<uint64_t>(std::count(buf.data(), buf.data() + in.gcount(), '\n'));
    if (!in) break;
  }
  return lines;
}

pid_t start_rsyslogd(const std::string& dir, const std::string& input, int port) {
  std::ofstream(dir + "/rsyslog.conf")
      << "global(workDirectory=\"" << dir << "\")\nmodule(load=\"" << input << "\")\ninput(type=\""
      << input << "\" address=\"127.0.0.1\" port=\"" << port
      << "\")\ntemplate(name=\"raw\" type=\"string\" string=\"%rawmsg%\\n\")\n"
         "*.* action(type=\"omfile\" file=\""
      << dir << "/out\" template=\"raw\")\n";
  pid_t pid = ::fork();
  if (pid == 0) {
    ::execlp("rsyslogd", "rsyslogd", "-n", "-f", (dir + "/rsyslog.conf").c_str(), "-i",
             (dir + "/pid").c_str(), nullptr);
    ::_exit(127);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  return pid;
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  std::signal(SIGPIPE, SIG_IGN);  // as the daemon does
  uint64_t n = argc > 1 ? std::stoull(argv[1]) : 200000;
  char tmpl[] = "/tmp/klogd-forward-bench-XXXXXX";
  std::string dir = ::mkdtemp(tmpl);
  std::printf(
      "forward_bench: %llu records of %zu bytes (RFC 5424 message), loopback\n",
      static_cast<unsigned long long>(n),
      format_rfc5424(sample(1), 0,
                     {"benchhost", "kmsg@32473", "274d6866-8c0e-4828-adba-4cb5d4dc16a8", true})
          .size());
  auto counted = [] { return g_count.load(); };

  // tcp into the counting receiver, and the bare baseline
  int port = 0;
  int lfd = listen_on(&port);
  std::thread rx = tcp_receiver(lfd);
  double bare = bare_tcp(port, n);
  Result tcp = run_sink("tcp://127.0.0.1:" + std::to_string(port), n, dir + "/q-tcp", counted);
  std::printf(
      "tcp   counting receiver: %9.0f records/s delivered (inline format+send() baseline %9.0f/s, "
      "ratio %.2f); reader-side hand-over %9.0f records/s\n",
      tcp.delivered, bare, tcp.delivered / bare, tcp.handover);

  // plain TCP's loss window: the collector resets the connection mid-stream
  for (bool slow : {false, true}) {
    int kport = 0;
    int kfd = listen_on(&kport);
    g_seqs.seen.assign(n, 0);
    std::thread krx = dying_receiver(kfd, n / 4, slow);
    uint64_t base = g_count;
    ForwardSinkOptions o;
    std::string err;
    parse_forward_url("tcp://127.0.0.1:" + std::to_string(kport), &o.target, &err);
    o.queue.dir = dir + "/q-reset";
    o.format.hostname = "benchhost";
    std::atomic<int> connects{0};
    o.log = [&](Note::Level level, const std::string& m) {
      if (m.find("connected") != std::string::npos) ++connects;
      if (level > Note::Level::kInfo) std::fprintf(stderr, "%s\n", m.c_str());
    };
    ForwardSink sink(o);
    sink.start(&err);
    while (connects == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    for (uint64_t i = 0; i < n; ++i) {
      sink.write(sample(i), &err);
      if (i % 512 == 511) sink.flush(&err);
    }
    sink.flush(&err);
    // everything handed over once the second connection has drained the queue
    while (connects < 2 || sink.stats().frames > 0)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    (void)base;
    uint64_t lost = 0, twice = 0;
    for (uint8_t c : g_seqs.seen) lost += c == 0, twice += c > 1;
    std::printf(
        "tcp   collector reset mid-stream (%s): %llu of %llu records lost (acknowledged by "
        "its TCP, never read), %llu sent twice (received, not yet acknowledged)\n",
        slow ? "a slow collector, buffers full" : "a collector keeping up",
        static_cast<unsigned long long>(lost), static_cast<unsigned long long>(n),
        static_cast<unsigned long long>(twice));
    sink.stop();
    ::shutdown(kfd, SHUT_RDWR);
    ::close(kfd);
    krx.join();
  }

  // disk queue drain: queue to files with the target down, then open the port
  int dport = 0;
  int probe = listen_on(&dport);
  ::close(probe);  // now nothing listens on dport
  {
    ForwardSinkOptions o;
    std::string err;
    parse_forward_url("tcp://127.0.0.1:" + std::to_string(dport), &o.target, &err);
    o.queue.dir = dir + "/q-drain";
    o.format.hostname = "benchhost";
    std::atomic<bool> connected{false};
    std::atomic<int64_t> connected_at{0};
    o.log = [&](Note::Level, const std::string& m) {
      if (m.find("connected") != std::string::npos) {
        connected_at = Clock::now().time_since_epoch().count();
        connected = true;
      }
    };
    ForwardSink sink(o);
    sink.start(&err);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    for (uint64_t i = 0; i < n; ++i) {
      sink.write(sample(i), &err);
      if (i % 512 == 511) sink.flush(&err);
    }
    sink.flush(&err);
    auto s = sink.stats();
    uint64_t base = g_count;
    int dl = listen_on(&dport);
    std::thread drx = tcp_receiver(dl);
    while (g_count - base < n) std::this_thread::sleep_for(std::chrono::microseconds(200));
    auto done = Clock::now().time_since_epoch().count();
    double secs = (done - connected_at) / 1e9;
    std::printf(
        "disk  queue drain over tcp: %llu records (%llu in files, %.1f MB) in %.3f s "
        "= %9.0f records/s\n",
        static_cast<unsigned long long>(n), static_cast<unsigned long long>(s.file_frames),
        s.bytes / 1e6, secs, n / secs);
    sink.stop();
    ::shutdown(dl, SHUT_RDWR);
    ::close(dl);
    drx.join();
  }

  // tls
  std::string certs = dir + "/certs";
  std::filesystem::create_directories(certs);
  std::string mk =
      "(cd " + certs +
      " && openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2"
      " -subj /CN=bench-ca && openssl req -newkey rsa:2048 -nodes -keyout server.key"
      " -out server.csr -subj /CN=localhost && printf 'subjectAltName=IP:127.0.0.1\\n'"
      " > ext && openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key"
      " -CAcreateserial -out server.pem -days 2 -extfile ext) >/dev/null 2>&1";
  if (std::system(mk.c_str()) == 0) {
    int tport = 0;
    int tfd = listen_on(&tport);
    std::thread trx = tls_receiver(tfd, certs);
    TlsOptions tls;
    tls.ca_file = certs + "/ca.pem";
    Result r =
        run_sink("tls://127.0.0.1:" + std::to_string(tport), n, dir + "/q-tls", counted, tls);
    std::printf(
        "tls   counting receiver: %9.0f records/s delivered (ratio to the inline tcp baseline "
        "%.2f); "
        "reader-side hand-over %9.0f records/s\n",
        r.delivered, r.delivered / bare, r.handover);
    ::shutdown(tfd, SHUT_RDWR);
    ::close(tfd);
    trx.join();
  }

  // relp into a librelp server that counts
  {
    relpEngine_t* eng = nullptr;
    relpEngineConstruct(&eng);
    relpEngineSetDbgprint(eng, relp_quiet);
    relpEngineSetEnableCmd(eng, (unsigned char*)"syslog", eRelpCmdState_Required);
    relpEngineSetSyslogRcv2(eng, relp_count);
    relpSrv_t* srv = nullptr;
    int rport = 0;
    int probe2 = listen_on(&rport);
    ::close(probe2);
    std::string rp = std::to_string(rport);
    relpEngineListnerConstruct(eng, &srv);
    relpSrvSetLstnPort(srv, (unsigned char*)rp.data());
    relpEngineListnerConstructFinalize(eng, srv);
    std::thread rrx([eng] { relpEngineRun(eng); });
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    uint64_t rn = n / 2;
    Result r = run_sink("relp://127.0.0.1:" + rp, rn, dir + "/q-relp", counted);
    std::printf(
        "relp  counting receiver: %9.0f records/s delivered (%llu records, every one "
        "acknowledged)\n",
        r.delivered, static_cast<unsigned long long>(rn));
    relpEngineSetStop(eng);
    {  // the server's loop notices the stop at its next event: a connection is one
      int poke = ::socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in a{};
      a.sin_family = AF_INET;
      a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      a.sin_port = htons(static_cast<uint16_t>(rport));
      ::connect(poke, reinterpret_cast<sockaddr*>(&a), sizeof a);
      ::close(poke);
    }
    rrx.join();
    relpEngineDestruct(&eng);
  }

  // rsyslogd as the collector (its figure, not klogd's: rsyslogd parses and writes each one)
  for (std::string input : {"imtcp", "imrelp"}) {
    std::string rdir = dir + "/rsyslog-" + input;
    std::filesystem::create_directories(rdir);
    int rsport = 0;
    int p = listen_on(&rsport);
    ::close(p);
    pid_t pid = start_rsyslogd(rdir, input, rsport);
    uint64_t rn = n / 2;
    Result r = run_sink(
        (input == "imtcp" ? "tcp://127.0.0.1:" : "relp://127.0.0.1:") + std::to_string(rsport), rn,
        dir + "/q-rs-" + input, [&] { return count_lines(rdir + "/out"); });
    std::printf("%-5s into rsyslogd (%s -> omfile): %9.0f records/s\n",
                input == "imtcp" ? "tcp" : "relp", input.c_str(), r.delivered);
    ::kill(pid, SIGTERM);
    ::waitpid(pid, nullptr, 0);
  }
  ::shutdown(lfd, SHUT_RDWR);
  ::close(lfd);
  rx.join();
  std::filesystem::remove_all(dir);
  return 0;
}
