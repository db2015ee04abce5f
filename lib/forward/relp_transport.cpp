// relp://: rsyslog's RELP through librelp. librelp's calls block (the sender thread's only); a
// message handed to relpCltSendSyslog() stays in librelp's window until the collector
// acknowledges it, and relpCltReconnect() sends again whatever was not acknowledged, so a
// collector that dies and comes back gets every message once.
#include <sys/socket.h>

#include <cstddef>

extern "C" {
#include <librelp.h>  // no extern "C" of its own
}

#include <memory>
#include <mutex>

#include "forward/forward_transport.h"

namespace klogd {
namespace {

void no_debug(char*, ...) {}

class RelpTransport : public ForwardTransport {
 public:
  explicit RelpTransport(ForwardTarget t) : t_(std::move(t)), port_(std::to_string(t_.port)) {
    if (relpEngineConstruct(&engine_) != RELP_RET_OK) {
      engine_ = nullptr;
      return;
    }
    relpEngineSetDbgprint(engine_, no_debug);
    relpEngineSetEnableCmd(engine_, reinterpret_cast<unsigned char*>(const_cast<char*>("syslog")),
                           eRelpCmdState_Required);
    relpEngineSetShutdownImmdtPtr(engine_, &shutdown_);
    relpEngineSetOnErr(engine_, &RelpTransport::on_error);
  }
  ~RelpTransport() override {
    if (!engine_) return;
    if (client_) relpEngineCltDestruct(engine_, &client_);
    relpEngineDestruct(&engine_);
  }

  bool connect(std::string* err) override {
    last_error_.clear();
    if (!engine_) {
      *err = "librelp: cannot construct its engine";
      return false;
    }
    relpRetVal rc;
    if (!client_) {
      if (relpEngineCltConstruct(engine_, &client_) != RELP_RET_OK) {
        *err = "librelp: cannot construct a client";
        client_ = nullptr;
        return false;
      }
      relpCltSetUsrPtr(client_, this);
      relpCltSetTimeout(client_, 10);
      relpCltSetConnTimeout(client_, 10);
      rc = relpCltConnect(client_, AF_UNSPEC, reinterpret_cast<unsigned char*>(port_.data()),
                          reinterpret_cast<unsigned char*>(t_.host.data()));
      if (rc != RELP_RET_OK) {
        relpEngineCltDestruct(engine_, &client_);  // nothing was sent on it
        client_ = nullptr;
      }
    } else {
      rc = relpCltReconnect(client_);  // sends again what was not acknowledged
    }
    if (rc != RELP_RET_OK) *err = describe_error(rc);
    return rc == RELP_RET_OK;
  }

  bool send(const std::vector<std::string>& messages, std::vector<uint64_t>* handed,
            std::string* err) override {
    handed->clear();
    // No relpCltHintBurstBegin(): it corks the socket, and once librelp's window (128 messages)
    // is full it waits for acknowledgements of messages still corked: 128 messages per 200 ms.
    for (const std::string& m : messages) {
      relpRetVal rc = relpCltSendSyslog(
          client_, reinterpret_cast<unsigned char*>(const_cast<char*>(m.data())), m.size());
      if (rc != RELP_RET_OK) {
        *err = describe_error(rc);
        return false;
      }
      handed->push_back(++handed_);
    }
    return true;
  }

  // librelp keeps each message until the collector acknowledges it and re-sends it after a
  // reconnect: handed over is as good as taken.
  uint64_t handed_over() const override { return handed_; }
  bool resends_unacknowledged() const override { return true; }

  void close() override {}  // the session stays: relpCltReconnect() re-sends the unacknowledged

  void interrupt() override { __atomic_store_n(&shutdown_, 1, __ATOMIC_SEQ_CST); }

 private:
  static void on_error(void* usr, char* objinfo, char* errmsg, relpRetVal) {
    if (!usr) return;
    auto* self = static_cast<RelpTransport*>(usr);
    self->last_error_ =
        std::string(errmsg ? errmsg : "") + (objinfo ? std::string(" (") + objinfo + ")" : "");
  }
  std::string describe_error(relpRetVal rc) const {
    std::string s = "librelp error " + std::to_string(rc);
    if (rc == RELP_RET_SESSION_BROKEN) s = "session broken";
    if (rc == RELP_RET_TIMED_OUT) s = "timed out";
    if (rc == RELP_RET_SESSION_CLOSED) s = "the collector closed the session";
    if (rc == RELP_RET_IO_ERR) s = "I/O error";
    if (!last_error_.empty()) s += ": " + last_error_;
    return s;
  }

  ForwardTarget t_;
  std::string port_;
  relpEngine_t* engine_ = nullptr;
  relpClt_t* client_ = nullptr;
  int shutdown_ = 0;
  std::string last_error_;
  uint64_t handed_ = 0;
};

}  // namespace

std::unique_ptr<ForwardTransport> make_relp_transport(const ForwardTarget& t) {
  return std::make_unique<RelpTransport>(t);
}

}  // namespace klogd
