#include "diagnostics.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/sinks/syslog_sink.h>
#include <syslog.h>

#include "util/address_mask.h"

namespace klogd {
namespace {

bool hide = false;

// spdlog's pattern formatter, its output masked.
class MaskingFormatter final : public spdlog::formatter {
 public:
  explicit MaskingFormatter(std::string pattern) : pattern_(std::move(pattern)), inner_(pattern_) {}
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    spdlog::memory_buf_t plain;
    inner_.format(msg, plain);
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
  spdlog::pattern_formatter inner_;
};

void set_pattern(spdlog::logger& logger, const std::string& pattern) {
  if (hide)
    logger.set_formatter(std::make_unique<MaskingFormatter>(pattern));
  else
    logger.set_pattern(pattern);
}

}  // namespace

void start_diagnostics(bool debug, bool hide_addresses) {
  hide = hide_addresses;
  auto logger = spdlog::stderr_logger_mt("klogd");
  set_pattern(*logger, "klogd: %l: %v");
  logger->set_level(debug ? spdlog::level::debug : spdlog::level::info);
  spdlog::set_default_logger(logger);
}

void diagnostics_to_syslog() {
  // Formatting on, so that the mask applies; the pattern is the bare message (syslog adds the
  // rest).
  auto logger = spdlog::syslog_logger_mt("klogd-syslog", "klogd", LOG_PID, LOG_DAEMON, true);
  set_pattern(*logger, "%v");
  logger->set_level(spdlog::default_logger()->level());
  spdlog::set_default_logger(logger);
}

}  // namespace klogd
