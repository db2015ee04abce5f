#pragma once
// Every line of the test corpora, console prefixes removed: syzkaller's 151 logs, the Debian
// boot (console and kmsg) and the kernel built without kallsyms. For property tests of the
// incident engine's pieces.
#include <filesystem>
#include <string>
#include <vector>

#include "decode/log_line.h"
#include "test_util.h"

inline const std::vector<std::string>& corpus_lines() {
  static const std::vector<std::string> lines = [] {
    std::vector<std::string> files;
    for (const auto& e : std::filesystem::directory_iterator(KLOGD_TEST_DATA "/syzkaller/cases"))
      files.push_back(e.path().string());
    for (const char* f : {"/debian/console.txt", "/debian/kmsg.raw", "/nokallsyms/console.txt",
                          "/nokallsyms/dmesg.txt"})
      files.push_back(std::string(KLOGD_TEST_DATA) + f);
    std::vector<std::string> out;
    for (const std::string& f : files)
      klogd::for_each_log_line(
          klogd::test::read_file(f),
          [&](size_t, std::string_view, const klogd::LogLine& l) { out.emplace_back(l.text); });
    return out;
  }();
  return lines;
}
