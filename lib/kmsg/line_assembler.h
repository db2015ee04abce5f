#pragma once
/// Text sources (/proc/kmsg, syslog(2), a saved capture) hand over chunks that end anywhere: the
/// assembler keeps the unfinished line until the rest arrives, and hands on whole lines.

#include <string>
#include <string_view>

namespace klogd {

class LineAssembler {
 public:
  /// Calls on_line(line) for every line the chunk completes, without its '\n'.
  template <typename Fn>
  void feed(std::string_view chunk, Fn on_line) {
    while (!chunk.empty()) {
      size_t nl = chunk.find('\n');
      if (nl == std::string_view::npos) {
        carry_.append(chunk);
        return;
      }
      if (carry_.empty()) {
        on_line(chunk.substr(0, nl));
      } else {
        carry_.append(chunk.substr(0, nl));
        on_line(std::string_view(carry_));
        carry_.clear();
      }
      chunk.remove_prefix(nl + 1);
    }
  }
  /// The half-read line so far ("" when none).
  std::string_view partial() const { return carry_; }
  /// The end of the source: the unfinished line, if any.
  template <typename Fn>
  void finish(Fn on_line) {
    if (!carry_.empty()) on_line(std::string_view(carry_));
    carry_.clear();
  }

 private:
  std::string carry_;
};

}  // namespace klogd
