#pragma once
/// The daemon's source lines (--source-lines, and the incidents' KERNEL_INCIDENT_SOURCE): the
/// frames of live records located in the kernel's debug info (annotate/source_lines.h), without
/// ever holding the loop.
///
/// - Nothing is opened until a frame needs it: a daemon on a quiet host pays nothing.
/// - The debug files are opened, and frames located, on a thread of the service's own. The loop
///   decorates a record from what is known already (a cache of located frames); the frames it
///   does not know yet are queued for that thread, so that they are known the next time they
///   are printed. A record is never held for them.
/// - An incident's guilty frame is located on that thread, and the answer comes back on the
///   loop (the pipeline holds the incident record for a bounded time meanwhile).
/// - Files: the --debuginfo files and folders, else where distributions install them for the
///   running release (symbols/debuginfo_search.h). Reading the running kernel, a file is used
///   only when its build ID is the kernel's (/sys/kernel/notes) or the module's
///   (/sys/module/NAME/notes); a file that is not, or cannot be read, is said once and never
///   opened again. With debuginfod, a file not found (or refused) is fetched by that build ID.
///   A replay (--kmsg FILE) is not the running kernel: there is no build ID to check, so a file
///   is refused, as --decode refuses one, only on evidence in the frames printed (a function
///   the file holds with another size); a frame the file cannot locate goes without a line.
/// - Files unused for `idle_close` are closed and their memory given back.
/// - At most `max_queued` lookups wait; more (a crash storm) are dropped, counted, and the
///   frames stay undecorated.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "annotate/source_lines.h"
#include "incidents/incident.h"
#include "pipeline/asio.h"
#include "symbols/debuginfod_fetch.h"
#include "util/notes.h"

namespace klogd {

struct SourceServiceOptions {
  std::vector<std::string> debuginfo;  ///< --debuginfo: files and folders; empty: the release's
  std::string release;                 ///< the kernel release the files are looked for by
  std::string root;                    ///< "" for /: where /sys and the debug folders are
  /// The records are the running kernel's: files must have its build IDs (see above).
  bool running_kernel = true;
  /// Fetch from the DEBUGINFOD_URLS servers by build ID what is not found here, each fetch
  /// bounded by `fetch_time` (symbols/debuginfod_fetch.h).
  bool debuginfod = false;
  std::chrono::milliseconds fetch_time{kDebuginfodFetchTime};
  std::chrono::milliseconds idle_close{std::chrono::minutes(5)};
  size_t max_queued = 256;      ///< lookups waiting for the thread
  size_t cache_frames = 16384;  ///< located frames kept (then the cache starts again)
};

struct SourceServiceCounters {
  uint64_t located = 0;  ///< frames looked up in the debug files
  uint64_t dropped = 0;  ///< lookups not queued: too many waiting
  uint64_t opened = 0;   ///< debug files opened
  uint64_t refused = 0;  ///< debug files refused (wrong build ID, unreadable)
  uint64_t closed = 0;   ///< idle closes
  uint64_t fetched = 0;  ///< debug files fetched from debuginfod
};

class SourceService {
 public:
  /// `log` runs on the loop thread.
  SourceService(boost::asio::io_context& io, SourceServiceOptions options,
                std::function<void(const Notes&)> log);
  ~SourceService();
  SourceService(const SourceService&) = delete;
  SourceService& operator=(const SourceService&) = delete;

  /// On the loop: `text` with each frame whose location is known decorated
  /// (SourceLines::decorate's form); the frames not known yet are queued for the thread.
  std::string decorate(std::string_view text);

  /// On the loop: the incident's guilty source line (incident_source.h), looked up on the
  /// thread; `done` runs on the loop with it ("" when none), unless the service is gone first.
  void guilty_source(Incident incident, std::function<void(std::string)> done);

  SourceServiceCounters counters() const;
  /// Whether a debug file is open now.
  bool files_open() const;

 private:
  struct Job {
    std::vector<FrameSource> frames;  // to locate and cache
    std::unique_ptr<Incident> incident;
    std::function<void(std::string)> done;
  };
  static std::string key(const FrameSource& f);
  bool enqueue(Job job);
  void run();
  void work(Job& job);
  void prepare(const std::vector<FrameSource>& frames, Notes* notes);
  void open_core(Notes* notes);
  void open_module(const std::string& module, Notes* notes);
  bool try_add(const std::string& path, const std::string& module, const std::string& build_id,
               Notes* notes);
  void refuse_on_evidence(const std::vector<FrameSource>& frames, Notes* notes);
  bool try_fetch(const std::string& module, const std::string& build_id, Notes* notes);
  void close_files(Notes* notes);
  void tell(Notes notes);

  boost::asio::io_context& io_;
  const SourceServiceOptions o_;
  std::function<void(const Notes&)> log_;

  mutable std::mutex mu_;  // everything below up to the thread's own
  std::condition_variable wake_;
  std::deque<Job> jobs_;
  std::atomic<bool> stop_{false};  // set under mu_; also ends a debuginfod fetch in progress
  std::unordered_map<std::string, std::vector<SourceLocation>> cache_;
  std::unordered_set<std::string> pending_;  // frames queued, not located yet
  SourceServiceCounters counters_;
  bool open_ = false;

  // The thread's own.
  SourceLines lines_;
  bool core_tried_ = false;
  std::set<std::string> modules_tried_;
  std::set<std::string> refused_;       // paths said once and never opened again
  std::set<std::string> fetch_failed_;  // build IDs debuginfod did not give
  bool none_said_ = false;
  std::thread thread_;
};

}  // namespace klogd
