#pragma once
/// Keeps the daemon's symbols right while it runs: loads the map and the module tables at
/// start-up; rebuilds the module tables (or everything) on a worker thread and swaps them in on
/// the loop thread, never stalling the record path, when a signal asks (SIGUSR1 / SIGUSR2), when
/// the kernel announces a module load or unload (a SUBSYSTEM=module uevent, no polling), when a
/// module-area address resolves to nothing (at most once a second), and, with -p, when a kernel
/// record holds "Oops:" or "BUG:" (at most once a second, on the worker too: klogd 1.5 reloaded
/// synchronously on every such line, userspace's included). With kallsyms hidden, the
/// kernel's own "Kernel Offset:" line gives the slide, from kernel records only (userspace can
/// write /dev/kmsg).

#include <array>
#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <thread>

#include "kmsg/kmsg_record.h"
#include "pipeline/asio.h"
#include "symbols/symbol_loading.h"
#include "symbols/symbolizer.h"
#include "util/notes.h"

namespace klogd {

struct SymbolKeeperOptions {
  SymbolOptions symbols;
  bool translate = true;  ///< false with -x: nothing is loaded
  bool paranoid = false;  ///< -p
};

class SymbolKeeper {
 public:
  SymbolKeeper(boost::asio::io_context& io, Symbolizer* symbolizer, SymbolKeeperOptions o,
               std::function<void(const Notes&)> log);
  ~SymbolKeeper();

  /// Start-up: the map search and the module tables. False with *err when -k FILE is unusable.
  bool load(std::string* err);
  /// Listens for module uevents (after the privilege drop). False with a note when the kernel
  /// does not let it: module changes are then noticed only by a lookup miss or a signal.
  void listen_uevents();
  /// Rebuilds the module tables, or with `all` the map too, on the worker thread. `asked`: a
  /// signal asked for it, and its end is said (at info level; klogd's own at debug level).
  void reload(bool all, bool asked = true);
  /// Each record read, before it is annotated (RecordProcessor's observer): -p's reload before
  /// an oops, the slide from the kernel's Kernel Offset line.
  void observe(const KmsgRecord& record);
  /// A record held a module-area address that nothing resolved.
  void module_miss();
  /// Stops listening and joins the worker.
  void stop();

 private:
  void receive_uevent();
  /// Reloads the module tables on the worker, unless this reason did so less than a second ago.
  void reload_modules_now_and_then(std::chrono::steady_clock::time_point* last, const char* why);

  boost::asio::io_context& io_;
  Symbolizer* symbolizer_;
  SymbolKeeperOptions o_;
  std::function<void(const Notes&)> log_;
  boost::asio::generic::raw_protocol::socket uevents_;
  std::array<char, 8192> uevent_buffer_{};
  std::thread worker_;
  enum class Reload { kNone, kModules, kAll };  // one asked for while another runs
  bool reloading_ = false;
  Reload pending_ = Reload::kNone;
  bool pending_asked_ = false;
  std::chrono::steady_clock::time_point last_miss_reload_{};
  std::chrono::steady_clock::time_point last_paranoid_reload_{};
};

}  // namespace klogd
