#include "life/diagnostics.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/sinks/syslog_sink.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <mutex>
#include <string_view>

#include "util/address_mask.h"

namespace klogd {
namespace {

bool hide = false;
bool journal_levels = false;  // stderr is journald's stream: "<N>" before each line

// "<N>": the syslog level of the message, which journald reads off a stream's line
// (SyslogLevelPrefix=, on by default): warnings and errors reach `journalctl -p warning`.
class SyslogLevelFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    static constexpr char kLevels[] = {'7', '7', '6', '4', '3', '2', '6'};  // trace .. off
    const char prefix[] = {'<', kLevels[std::min<size_t>(msg.level, 6)], '>'};
    dest.append(prefix, prefix + 3);
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<SyslogLevelFlag>();
  }
};

std::unique_ptr<spdlog::pattern_formatter> pattern(const std::string& p) {
  auto f = std::make_unique<spdlog::pattern_formatter>();
  f->add_flag<SyslogLevelFlag>('*');
  f->set_pattern(p);
  return f;
}

// Whether stderr is the journal stream systemd connected (JOURNAL_STREAM names its device and
// inode): then each line carries its level.
bool stderr_is_journal() {
  const char* stream = std::getenv("JOURNAL_STREAM");
  struct stat st {};
  if (!stream || ::fstat(STDERR_FILENO, &st) != 0) return false;
  unsigned long long dev = 0, ino = 0;
  return std::sscanf(stream, "%llu:%llu", &dev, &ino) == 2 && dev == st.st_dev && ino == st.st_ino;
}

// spdlog's pattern formatter, its output masked.
class MaskingFormatter final : public spdlog::formatter {
 public:
  explicit MaskingFormatter(std::string p) : pattern_(std::move(p)), inner_(pattern(pattern_)) {}
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    spdlog::memory_buf_t plain;
    inner_->format(msg, plain);
    std::string masked;
    mask_kernel_addresses(std::string_view(plain.data(), plain.size()), sizeof(long) == 4 ? 32 : 64,
                          &masked);
    dest.append(masked.data(), masked.data() + masked.size());
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<MaskingFormatter>(pattern_);
  }

 private:
  std::string pattern_;
  std::unique_ptr<spdlog::pattern_formatter> inner_;
};

// Messages handed to a function (the forking parent's pipe).
class CallbackSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit CallbackSink(std::function<void(std::string_view)> f) : f_(std::move(f)) {}

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t out;
    formatter_->format(msg, out);
    std::string_view text(out.data(), out.size());
    while (!text.empty() && text.back() == '\n') text.remove_suffix(1);
    f_(text);
  }
  void flush_() override {}

 private:
  std::function<void(std::string_view)> f_;
};

std::unique_ptr<spdlog::formatter> formatter(const std::string& pattern_text) {
  if (hide) return std::make_unique<MaskingFormatter>(pattern_text);
  return pattern(pattern_text);
}

void set_pattern(spdlog::logger& logger, const std::string& pattern) {
  logger.set_formatter(formatter(pattern));
}

}  // namespace

void start_diagnostics(bool debug, bool hide_addresses) {
  hide = hide_addresses;
  journal_levels = stderr_is_journal();
  auto logger = spdlog::stderr_logger_mt("klogd");
  set_pattern(*logger, journal_levels ? "%*%v" : "klogd: %l: %v");
  logger->set_level(debug ? spdlog::level::debug : spdlog::level::info);
  spdlog::set_default_logger(logger);
}

void diagnostics_to_syslog(std::function<void(std::string_view)> errors_also) {
  // Formatting on, so that the mask applies; the pattern is the bare message (syslog adds the
  // rest).
  auto to_syslog =
      std::make_shared<spdlog::sinks::syslog_sink_mt>("klogd", LOG_PID, LOG_DAEMON, true);
  auto logger = std::make_shared<spdlog::logger>("klogd-syslog", to_syslog);
  set_pattern(*logger, "%v");
  if (errors_also) {
    auto also = std::make_shared<CallbackSink>(std::move(errors_also));
    also->set_level(spdlog::level::err);
    also->set_formatter(formatter("klogd: %l: %v"));
    logger->sinks().push_back(also);
  }
  logger->set_level(spdlog::default_logger()->level());
  spdlog::set_default_logger(logger);
}

}  // namespace klogd
