#include "pipeline/source_service.h"

#include <malloc.h>

#include "incidents/incident_source.h"
#include "symbols/build_id_note.h"
#include "symbols/debug_info.h"
#include "symbols/debuginfo_search.h"
#include "symbols/debuginfod_fetch.h"
#include "util/hex.h"

namespace klogd {

namespace asio = boost::asio;

SourceService::SourceService(asio::io_context& io, SourceServiceOptions options,
                             std::function<void(const Notes&)> log)
    : io_(io), o_(std::move(options)), log_(std::move(log)), thread_([this] { run(); }) {}

SourceService::~SourceService() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

std::string SourceService::key(const FrameSource& f) {
  std::string k = f.symbol.module;
  k += ' ';
  k += f.symbol.name;
  k += '+';
  append_hex(&k, f.symbol.offset);
  k += '/';
  append_hex(&k, f.symbol.size);
  k += f.return_address ? " r" : " p";
  return k;
}

std::string SourceService::decorate(std::string_view text) {
  std::vector<FrameSource> frames = SourceLines::printed_frames(text);
  if (frames.empty()) return std::string(text);
  Job job;
  {
    std::lock_guard<std::mutex> l(mu_);
    for (FrameSource& f : frames) {
      if (f.symbol.module == "?") continue;
      std::string k = key(f);
      if (auto it = cache_.find(k); it != cache_.end()) {
        f.source = it->second;
      } else if (pending_.insert(k).second) {
        job.frames.push_back(f);
      }
    }
  }
  if (!job.frames.empty()) enqueue(std::move(job));
  return SourceLines::decorate(text, frames);
}

void SourceService::guilty_source(Incident incident, std::function<void(std::string)> done) {
  Job job;
  job.incident = std::make_unique<Incident>(std::move(incident));
  job.done = std::move(done);
  auto answer = job.done;
  if (!enqueue(std::move(job))) asio::post(io_, [answer] { answer(""); });
}

bool SourceService::enqueue(Job job) {
  {
    std::lock_guard<std::mutex> l(mu_);
    if (jobs_.size() >= o_.max_queued) {
      ++counters_.dropped;
      for (const FrameSource& f : job.frames) pending_.erase(key(f));
      return false;
    }
    jobs_.push_back(std::move(job));
  }
  wake_.notify_one();
  return true;
}

SourceServiceCounters SourceService::counters() const {
  std::lock_guard<std::mutex> l(mu_);
  return counters_;
}

bool SourceService::files_open() const {
  std::lock_guard<std::mutex> l(mu_);
  return open_;
}

// The thread: jobs as they come; files closed after `idle_close` without one.
void SourceService::run() {
  std::unique_lock<std::mutex> l(mu_);
  while (true) {
    bool idle = !wake_.wait_for(l, o_.idle_close, [this] { return stop_ || !jobs_.empty(); });
    if (stop_) return;
    if (idle) {
      if (!open_) continue;
      l.unlock();
      Notes notes;
      close_files(&notes);
      tell(std::move(notes));
      l.lock();
      continue;
    }
    Job job = std::move(jobs_.front());
    jobs_.pop_front();
    l.unlock();
    work(job);
    l.lock();
    if (jobs_.empty() && !stop_) {  // what the lookups freed goes back to the system at once
      l.unlock();
      ::malloc_trim(0);
      l.lock();
    }
  }
}

void SourceService::work(Job& job) {
  Notes notes;
  if (job.incident) {
    // only the file of the guilty function's module (incident.module, "" for the core kernel)
    std::vector<FrameSource> frames(1);
    frames[0].symbol.module = job.incident->module;
    prepare(frames, &notes);
    std::string source = klogd::guilty_source(*job.incident, lines_);
    asio::post(io_, [done = std::move(job.done), source] { done(source); });
  } else {
    prepare(job.frames, &notes);
    refuse_on_evidence(job.frames, &notes);
    for (FrameSource& f : job.frames) lines_.locate(&f);
    std::lock_guard<std::mutex> l(mu_);
    if (cache_.size() + job.frames.size() > o_.cache_frames) cache_.clear();
    for (FrameSource& f : job.frames) {
      std::string k = key(f);
      pending_.erase(k);
      cache_[k] = std::move(f.source);
      ++counters_.located;
    }
  }
  tell(std::move(notes));
}

// The files the frames need, opened the first time one does.
void SourceService::prepare(const std::vector<FrameSource>& frames, Notes* notes) {
  for (const FrameSource& f : frames) {
    if (f.symbol.module.empty()) {
      if (!core_tried_) open_core(notes);
    } else if (f.symbol.module != "?" && !lines_.has_module(f.symbol.module) &&
               modules_tried_.insert(module_key(f.symbol.module)).second) {
      open_module(f.symbol.module, notes);
    }
  }
  std::lock_guard<std::mutex> l(mu_);
  open_ = !lines_.empty();
}

void SourceService::open_core(Notes* notes) {
  core_tried_ = true;
  std::vector<std::string> looked;
  const std::vector<std::string> candidates =
      debug_file_candidates(o_.debuginfo, o_.release, "", o_.root, &looked);
  const std::string build_id =
      o_.running_kernel ? read_build_id_note(kernel_notes_path(o_.root)) : "";
  for (const std::string& c : candidates)
    if (try_add(c, "", build_id, notes)) return;
  if (try_fetch("", build_id, notes)) return;
  if (candidates.empty() && !looked.empty() && !none_said_) {
    none_said_ = true;
    std::string where;
    for (const std::string& p : looked) where += (where.empty() ? "" : ", ") + p;
    notes->warn("source lines: no debug info of the kernel (release " + o_.release +
                ") where it was looked for: " + where);
  }
}

void SourceService::open_module(const std::string& module, Notes* notes) {
  const std::string k = module_key(module);
  const std::string build_id =
      o_.running_kernel ? read_build_id_note(module_notes_path(k, o_.root)) : "";
  for (const std::string& c : debug_file_candidates(o_.debuginfo, o_.release, k, o_.root))
    if (try_add(c, k, build_id, notes)) return;
  try_fetch(k, build_id, notes);
}

// A replay's files have no build ID to check: a file is refused, as --decode refuses one, only
// on evidence in the frames printed (a function of another size: SourceLines::check).
void SourceService::refuse_on_evidence(const std::vector<FrameSource>& frames, Notes* notes) {
  if (o_.running_kernel || lines_.empty()) return;
  std::vector<PrintedSymbol> printed;
  for (const FrameSource& f : frames) printed.push_back(f.symbol);
  std::string err, file;
  while (!lines_.check(printed, &err, &file)) {
    lines_.drop(file);
    refused_.insert(file);
    notes->warn("source lines: " + err + " (not used)");
    std::lock_guard<std::mutex> l(mu_);
    ++counters_.refused;
    open_ = !lines_.empty();
  }
}

// From debuginfod, by the build ID of what runs; once per build ID that it did not give.
bool SourceService::try_fetch(const std::string& module, const std::string& build_id,
                              Notes* notes) {
  if (!fetch_from_debuginfod(o_.debuginfod, build_id, false) || fetch_failed_.count(build_id))
    return false;
  std::string err;
  const std::string path = fetch_debuginfo(build_id, o_.fetch_time, &err, &stop_);
  if (path.empty()) {
    fetch_failed_.insert(build_id);
    notes->warn("source lines: " + err);
    return false;
  }
  {
    std::lock_guard<std::mutex> l(mu_);
    ++counters_.fetched;
  }
  return try_add(path, module, build_id, notes);
}

bool SourceService::try_add(const std::string& path, const std::string& module,
                            const std::string& build_id, Notes* notes) {
  if (refused_.count(path)) return false;
  std::string err;
  if (!lines_.add_as(path, module, &err, build_id)) {
    refused_.insert(path);
    notes->warn("source lines: " + err + " (not used)");
    std::lock_guard<std::mutex> l(mu_);
    ++counters_.refused;
    return false;
  }
  notes->info("source lines: " + path + (build_id.empty() ? "" : " (build ID " + build_id + ")"));
  std::lock_guard<std::mutex> l(mu_);
  ++counters_.opened;
  return true;
}

void SourceService::close_files(Notes* notes) {
  lines_ = SourceLines();
  core_tried_ = false;
  modules_tried_.clear();
  ::malloc_trim(0);  // libdw's memory back to the system, not kept for the next crash
  notes->info(
      "source lines: debug files closed after " +
      std::to_string(std::chrono::duration_cast<std::chrono::seconds>(o_.idle_close).count()) +
      " s unused");
  std::lock_guard<std::mutex> l(mu_);
  open_ = false;
  ++counters_.closed;
}

void SourceService::tell(Notes notes) {
  if (notes.all().empty() || !log_) return;
  asio::post(io_, [this, notes = std::move(notes)] { log_(notes); });
}

}  // namespace klogd
