#pragma once
/// Small text helpers shared by every layer: walking the lines of a text, trimming, splitting
/// fields, and the three escapings klogd writes: control bytes as "\xNN" (one record is one line),
/// valid UTF-8 (what RFC 5424 collectors parse), and JSON strings.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace klogd {

/// The one way klogd reads a decimal number (std::from_chars): the number that is all of `s`
/// (digits only: no sign, no space, no overflow), else nullopt.
std::optional<uint64_t> parse_decimal(std::string_view s);
/// The decimal number that starts at s[*at]; *at moves past its digits. nullopt (and *at
/// unchanged) when no digit is there or it overflows.
std::optional<uint64_t> read_decimal(std::string_view s, size_t* at);

/// Calls fn(line, line_no) for every line of `text`, 1-based, empty ones included. `line` is a
/// view into `text` (line.data() - text.data() is its offset) without its '\n' and without
/// trailing '\r's (CRLF files, serial captures). A final '\n' does not start another line.
template <typename Fn>
void for_each_line(std::string_view text, Fn fn) {
  size_t line_no = 0;
  while (!text.empty()) {
    const void* nl = std::memchr(text.data(), '\n', text.size());
    size_t len = nl ? static_cast<size_t>(static_cast<const char*>(nl) - text.data()) : text.size();
    std::string_view line = text.substr(0, len);
    text.remove_prefix(nl ? len + 1 : len);
    while (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    fn(line, ++line_no);
  }
}

/// `s` without trailing characters from `chars` (default: white space and line ends).
std::string_view trim_right(std::string_view s, std::string_view chars = " \t\r\n");

/// s.find(what, from), searched at what's rarest byte in a log (a capital, a ':' or '_', a 'k'
/// rather than an 'e' or a space) and compared whole at each: string_view::find stops at every
/// copy of the first byte, which for " backtrace" or "status: " is every few bytes of a log.
size_t find_literal(std::string_view s, std::string_view what, size_t from = 0);
/// A cheap hash of a line for a small cache of lines (its size and three words: start, middle,
/// end): lines that differ only in a number mostly differ in it. Not for anything that must not
/// collide: a cache compares the text it keeps.
uint64_t line_slot(std::string_view line);
void trim_right(std::string* s, std::string_view chars = " \t\r\n");

/// The fields of a line separated by runs of spaces and tabs.
std::vector<std::string_view> split_fields(std::string_view line);

/// A path's components, lexically normal: "", "." gone, "x/.." folded; a ".." with nothing
/// before it kept (dropped when `rooted`: "/.." is "/"). "./a//b/../c" -> {"a", "c"}.
std::vector<std::string_view> normal_path_parts(std::string_view path, bool rooted = false);

/// Appends `in` with bytes < 0x20 and 0x7f written as "\xNN", so that one record is one line
/// whatever its decoded text holds. Other bytes (UTF-8 included) pass through.
void append_escaped_control(std::string_view in, std::string* out);
std::string escape_control(std::string_view in);

/// Appends `in` with control bytes, the backslash and bytes that are not part of well-formed
/// UTF-8 written as "\xNN" (as /dev/kmsg does: every escape can be undone, a literal "\x41"
/// reads "\x5cx41"): the result is valid UTF-8.
void append_utf8_safe(std::string_view in, std::string* out);

/// utf8_cut() that also never splits a "\xNN" escape.
size_t escape_cut(std::string_view s, size_t max);

/// `m` cut to at most `max` bytes when it is longer: on a character and escape boundary, with
/// " [klogd: truncated N bytes]" saying how much went (the mark fits within `max`).
std::string cut_message(std::string m, size_t max);

/// The largest n <= max such that s.substr(0, n) does not end inside a UTF-8 sequence: where a
/// message may be cut without splitting a character in two.
size_t utf8_cut(std::string_view s, size_t max);

/// Appends `s` as a JSON string that is valid UTF-8 for any input: '"' and '\' escaped, control
/// bytes as \u00XX, well-formed UTF-8 as it is, any other byte as the text "\xNN".
void append_json_string(std::string_view s, std::string* out);

}  // namespace klogd
