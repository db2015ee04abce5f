// relp://: rsyslog's RELP, spoken directly over a TCP socket. A message leaves klogd's queue
// only when the collector's "rsp 200" for it has arrived, so a collector that dies, or a klogd
// that stops or restarts during an outage, loses nothing and sends again only what was not
// acknowledged. (librelp keeps its window of unacknowledged messages to itself: it cannot say
// which of them the collector took, so it cannot tell the disk queue when a frame may go.)
//
// A frame is "TXNR SP COMMAND SP DATALEN [SP DATA] LF"; the client numbers its commands from 1
// (wrapping after 999999999) and the server answers each with "TXNR rsp LEN 200 OK". The session
// opens with "open" and its offers (relp_version=0, commands=syslog), each message is a
// "syslog" command, and "close" ends it; a server going down says "0 serverclose 0".
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <deque>

#include "forward/forward_transport.h"
#include "util/text.h"

namespace klogd {
namespace {

constexpr size_t kWindow = 128;  // messages sent and not yet acknowledged, at most
constexpr int kTimeoutMs = 10000;
constexpr uint64_t kMaxTxnr = 999999999;

class RelpTransport : public ForwardTransport {
 public:
  explicit RelpTransport(ForwardTarget t)
      : t_(std::move(t)), interrupt_fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {}
  ~RelpTransport() override {
    close();
    if (interrupt_fd_ >= 0) ::close(interrupt_fd_);
  }

  bool connect(std::string* err) override {
    close();
    int fd = connect_tcp(t_.host, t_.port, SOCK_STREAM, kTimeoutMs, interrupt_fd_, err);
    if (fd < 0) return false;
    fd_ = fd;
    txnr_ = 0;
    handed_ = acked_ = 0;
    in_flight_.clear();
    in_.clear();
    broken_.clear();
    uint64_t open_txnr = next_txnr();
    std::string offers = "relp_version=0\nrelp_software=klogd,2.0.0,-\ncommands=syslog";
    std::string frame = make_frame(open_txnr, "open", offers);
    if (!write_bytes(frame, err)) return fail(err);
    // The server's answer to "open": 200, and "syslog" among the commands it offers.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kTimeoutMs);
    for (;;) {
      Frame f;
      if (next_frame(&f)) {
        if (f.txnr != open_txnr || f.command != "rsp") continue;
        if (!f.data.starts_with("200")) {
          *err = "the collector refused the RELP session: " + first_line(f.data);
          return fail(err);
        }
        if (f.data.find("commands=syslog") == std::string::npos) {
          *err = "the collector does not offer RELP's syslog command";
          return fail(err);
        }
        return true;
      }
      if (!read_some(deadline, err)) return fail(err);
    }
  }

  bool send(const std::vector<std::string>& messages, std::vector<uint64_t>* handed,
            std::string* err) override {
    handed->clear();
    std::string out;
    for (const std::string& m : messages) {
      // Room in the window first: what was written must be acknowledged before more goes.
      while (in_flight_.size() >= kWindow) {
        if (!out.empty()) {
          if (!write_bytes(out, err)) return false;
          out.clear();
        }
        auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kTimeoutMs);
        if (!read_some(deadline, err) || !absorb(err)) return false;
      }
      uint64_t txnr = next_txnr();
      out += make_frame(txnr, "syslog", m);
      in_flight_.push_back({txnr, false});
      ++handed_;
      handed->push_back(handed_);
    }
    if (!out.empty() && !write_bytes(out, err)) return false;
    return absorb(err);
  }

  uint64_t handed_over() const override { return handed_; }
  // Messages the collector acknowledged, in order: what may leave the queue.
  uint64_t taken() override {
    std::string ignored;
    if (fd_ >= 0) {
      read_available();
      absorb(&ignored);
    }
    return acked_;
  }

  bool peer_closed() override { return !broken_.empty() || peer_hung_up(fd_); }

  void finish() override {
    // A graceful end: "close", then every answer still coming, so that what the collector took
    // is known and not sent again by the next start.
    if (fd_ < 0) return;
    std::string err;
    uint64_t txnr = next_txnr();
    if (!write_bytes(make_frame(txnr, "close", ""), &err)) return;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(2000);
    for (;;) {
      Frame f;
      if (next_frame(&f)) {
        if (f.command == "rsp" && f.txnr == txnr) return;
        if (f.command == "rsp") note_rsp(f);
        continue;
      }
      if (!read_some(deadline, &err)) return;
    }
  }

  void close() override {
    int fd = fd_.exchange(-1);
    if (fd >= 0) ::close(fd);
  }

  void interrupt() override { interrupt_socket(interrupt_fd_, fd_.load()); }

 private:
  struct Frame {
    uint64_t txnr = 0;
    std::string command;
    std::string data;
  };
  struct Sent {
    uint64_t txnr;
    bool acked;
  };

  uint64_t next_txnr() {
    txnr_ = txnr_ >= kMaxTxnr ? 1 : txnr_ + 1;
    return txnr_;
  }
  static std::string make_frame(uint64_t txnr, const char* command, std::string_view data) {
    std::string f = std::to_string(txnr) + " " + command + " " + std::to_string(data.size());
    if (!data.empty()) {
      f += ' ';
      f += data;
    }
    f += '\n';
    return f;
  }
  static std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

  bool fail(std::string* err) {
    (void)err;
    close();
    return false;
  }

  bool write_bytes(std::string_view bytes, std::string* err) {
    size_t done = 0;
    while (done < bytes.size()) {
      ssize_t n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EINTR) continue;
        *err = std::strerror(errno);
        return false;
      }
      done += static_cast<size_t>(n);
    }
    return true;
  }

  // Waits until the socket has something (or the deadline, or interrupt()) and reads it.
  bool read_some(std::chrono::steady_clock::time_point deadline, std::string* err) {
    for (;;) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) {
        *err = "timed out waiting for the collector's RELP answer";
        return false;
      }
      pollfd p[2] = {{fd_, POLLIN, 0}, {interrupt_fd_, POLLIN, 0}};
      int n = ::poll(p, 2, static_cast<int>(left.count()));
      if (n < 0 && errno == EINTR) continue;
      if (p[1].revents) {
        *err = "interrupted";
        return false;
      }
      if (n > 0) break;
    }
    char buf[4096];
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n > 0) {
      in_.append(buf, static_cast<size_t>(n));
      return true;
    }
    *err = n == 0 ? "the collector closed the connection" : std::strerror(errno);
    return false;
  }

  void read_available() {
    char buf[4096];
    ssize_t n;
    while ((n = ::recv(fd_, buf, sizeof buf, MSG_DONTWAIT)) > 0)
      in_.append(buf, static_cast<size_t>(n));
    if (n == 0 && broken_.empty()) broken_ = "the collector closed the connection";
  }

  // One whole frame from what was read, if there is one.
  bool next_frame(Frame* f) {
    size_t sp1 = in_.find(' ');
    if (sp1 == std::string::npos) return false;
    size_t sp2 = in_.find(' ', sp1 + 1);
    if (sp2 == std::string::npos) return false;
    size_t len_end = in_.find_first_of(" \n", sp2 + 1);
    if (len_end == std::string::npos) return false;
    // "TXNR COMMAND DATALEN[ DATA]\n" (a malformed number reads as 0: the frame then fails
    // the transaction number check)
    std::string_view in(in_);
    size_t len = parse_decimal(in.substr(sp2 + 1, len_end - sp2 - 1)).value_or(0);
    size_t data_at = in_[len_end] == ' ' ? len_end + 1 : len_end;
    if (in_.size() < data_at + len + 1) return false;
    f->txnr = parse_decimal(in.substr(0, sp1)).value_or(0);
    f->command = in_.substr(sp1 + 1, sp2 - sp1 - 1);
    f->data = in_.substr(data_at, len);
    in_.erase(0, data_at + len + 1);
    return true;
  }

  void note_rsp(const Frame& f) {
    for (Sent& s : in_flight_)
      if (s.txnr == f.txnr) {
        if (f.data.starts_with("200"))
          s.acked = true;
        else if (broken_.empty())
          broken_ = "the collector refused a message: " + first_line(f.data);
      }
    while (!in_flight_.empty() && in_flight_.front().acked) {
      in_flight_.pop_front();
      ++acked_;
    }
  }

  // Takes the answers read so far; false with *err when the collector refused or went away.
  bool absorb(std::string* err) {
    Frame f;
    while (next_frame(&f)) {
      if (f.command == "rsp")
        note_rsp(f);
      else if (f.command == "serverclose" && broken_.empty())
        broken_ = "the collector closed the RELP session";
    }
    if (!broken_.empty()) {
      *err = broken_;
      return false;
    }
    return true;
  }

  ForwardTarget t_;
  std::atomic<int> fd_{-1};  // read by interrupt() from another thread
  int interrupt_fd_;
  uint64_t txnr_ = 0;
  uint64_t handed_ = 0;
  uint64_t acked_ = 0;
  std::deque<Sent> in_flight_;
  std::string in_;
  std::string broken_;
};

}  // namespace

std::unique_ptr<ForwardTransport> make_relp_transport(const ForwardTarget& t) {
  return std::make_unique<RelpTransport>(t);
}

}  // namespace klogd
