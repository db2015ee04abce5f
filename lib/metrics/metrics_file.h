#pragma once
/// --metrics-file: the metrics written for node_exporter's textfile collector every `interval`
/// and at exit, through a temporary file in the same folder and rename(), so a scrape never
/// reads half a file.

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <string>

#include "util/notes.h"

namespace klogd {

/// Writes `text` to `path` whole: PATH.tmp, then rename. False with *err.
bool write_file_atomically(const std::string& path, const std::string& text, std::string* err);

class MetricsFile {
 public:
  MetricsFile(boost::asio::io_context& io, std::string path, std::chrono::seconds interval,
              std::function<std::string()> render, std::function<void(const Notes&)> log);
  /// Writes now, then every interval. False with *err when the first write fails.
  bool start(std::string* err);
  /// Stops the timer and writes a last time.
  void stop();

 private:
  void write();
  void arm();
  boost::asio::steady_timer timer_;
  std::string path_;
  std::chrono::seconds interval_;
  std::function<std::string()> render_;
  std::function<void(const Notes&)> log_;
  std::string last_error_;  // said once, until it changes
  bool stopped_ = false;
};

}  // namespace klogd
