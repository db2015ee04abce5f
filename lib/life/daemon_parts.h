#pragma once
/// Everything the daemon holds while it lives, made by its phases in the order of its life
/// (life/run_daemon.h) and destroyed in the reverse order. The io_context comes first: every
/// part that posts to the loop goes before it. One thread, the main one, makes and destroys
/// them; the parts say which of their own threads they start.

#include <memory>
#include <string>
#include <vector>

#include "annotate/annotator.h"
#include "annotate/record_processor.h"
#include "incidents/incident_tracker.h"
#include "kmsg/log_source.h"
#include "kmsg/reading_thread.h"
#include "kmsg/record_ring.h"
#include "kmsg/seqnum_state.h"
#include "life/config.h"
#include "life/metrics_outputs.h"
#include "pipeline/asio.h"
#include "pipeline/notify_ticker.h"
#include "pipeline/pipeline.h"
#include "pipeline/source_service.h"
#include "pipeline/symbol_keeper.h"
#include "pstore/previous_boot.h"
#include "pstore/pstore_state.h"
#include "sinks/sink_set.h"
#include "symbols/symbolizer.h"

namespace klogd {

/// The reader's hand-off: ~140,000 short records of slack. When the reader runs SCHED_FIFO and a
/// flood's writer holds the other CPU, the loop may get little CPU for the whole burst: the ring
/// must hold it then (at 2 and 4 MiB, a 100,000-record burst overflowed it now and then).
inline constexpr size_t kRingBytes = 8u << 20;

struct DaemonParts {
  explicit DaemonParts(const Config& c) : config(c) {}
  DaemonParts(const DaemonParts&) = delete;
  DaemonParts& operator=(const DaemonParts&) = delete;

  const Config& config;
  boost::asio::io_context io;  ///< no thread; its epoll set is made once, after the fork

  // open_privileged()
  LogSource source;
  Symbolizer symbolizer;
  std::unique_ptr<SymbolKeeper> keeper;
  std::unique_ptr<Annotator> annotator;
  std::unique_ptr<RecordProcessor> processor;
  SinkSet sinks;
  std::vector<std::string> writable;  ///< the forward queues' folders, for prepare_for_user()
  bool made_output = false;           ///< klogd created the -f file (it is then the user's)

  // resume_restart_point()
  SeqnumState restart_state;
  bool restart_state_open = false;

  // harvest_at_start()
  PstoreState pstore_state;
  PreviousBootCounts previous_counts;
  std::vector<FinishedRecord> first_records;

  // park_realtime_reader() (a process started at SCHED_FIFO), else start_services()
  std::unique_ptr<RecordRing> ring;
  std::unique_ptr<ReadingThread> reader;
  bool reader_parked = false;  ///< the reader was made at the process's real-time priority

  // start_services()
  std::unique_ptr<IncidentTracker> incidents;
  std::unique_ptr<Pipeline> pipeline;
  std::unique_ptr<SourceService> source_lines;
  std::unique_ptr<MetricsOutputs> metrics;
  std::unique_ptr<NotifyTicker> ticker;
  int status = 0;  ///< the exit status the pipeline ended with
};

}  // namespace klogd
