// The shared text helpers: lines, trimming, fields, and the escapes klogd writes.
#include "util/text.h"

#include <catch2/catch.hpp>
#include <vector>

using namespace klogd;

TEST_CASE("text: lines, with numbers, CR removed, empty lines kept", "[util]") {
  std::vector<std::pair<std::string, size_t>> got;
  for_each_line("a\r\n\nb\r\r\nc", [&](std::string_view l, size_t n) { got.emplace_back(l, n); });
  REQUIRE(got.size() == 4);
  CHECK(got[0] == std::pair<std::string, size_t>{"a", 1});
  CHECK(got[1] == std::pair<std::string, size_t>{"", 2});
  CHECK(got[2] == std::pair<std::string, size_t>{"b", 3});
  CHECK(got[3] == std::pair<std::string, size_t>{"c", 4});
  got.clear();
  for_each_line("x\n", [&](std::string_view l, size_t n) { got.emplace_back(l, n); });
  CHECK(got.size() == 1);  // a final newline starts no line
}

TEST_CASE("text: trimming and fields", "[util]") {
  CHECK(trim_right("5.10.0 \n") == "5.10.0");
  CHECK(trim_right(" \n") == "");
  std::string s = "id\n\n";
  trim_right(&s);
  CHECK(s == "id");
  auto f = split_fields(" loop  16384\t0 - Live ");
  REQUIRE(f.size() == 5);
  CHECK(f[0] == "loop");
  CHECK(f[2] == "0");
  CHECK(f[4] == "Live");
}

TEST_CASE("text: a cut never splits a UTF-8 character", "[util]") {
  std::string s = "ab\xc3\xa9z";  // a b é z
  CHECK(utf8_cut(s, 2) == 2);
  CHECK(utf8_cut(s, 3) == 2);  // inside é: before it
  CHECK(utf8_cut(s, 4) == 4);
  CHECK(utf8_cut(s, 99) == s.size());
  std::string check = "\xe2\x9c\x93\xe2\x9c\x93";  // two 3-byte characters
  for (size_t max = 0; max <= check.size(); ++max) CHECK(utf8_cut(check, max) % 3 == 0);
  std::string stray = "a\x80\x80\x80\x80";  // not UTF-8 at all: cut where asked
  CHECK(utf8_cut(stray, 3) == 3);
}

TEST_CASE("text: JSON strings", "[util]") {
  std::string out;
  append_json_string("a\"b\\c\n\x01", &out);
  CHECK(out == "\"a\\\"b\\\\c\\u000a\\u0001\"");
}

TEST_CASE("text: a path's components, lexically normal", "[util]") {
  using V = std::vector<std::string_view>;
  CHECK(normal_path_parts("./a//b/../c") == V{"a", "c"});
  CHECK(normal_path_parts("../a/./b/") == V{"..", "a", "b"});
  CHECK(normal_path_parts("a/../../b") == V{"..", "b"});
  CHECK(normal_path_parts("/../a", true) == V{"a"});
  CHECK(normal_path_parts("").empty());
  CHECK(normal_path_parts("./.").empty());
}

TEST_CASE("text: find_literal finds what string_view::find finds", "[util]") {
  CHECK(find_literal("Call Trace: x backtrace:", " backtrace") == 13);
  CHECK(find_literal("status: 12", "status: ") == 0);
  CHECK(find_literal("abc", "abcd") == std::string_view::npos);
  CHECK(find_literal("xxab", "ab", 3) == std::string_view::npos);
  CHECK(find_literal("xxab", "ab", 2) == 2);
  CHECK(find_literal("", "") == 0);
  // random texts over a small alphabet (many partial hits), every start, against the standard
  uint32_t seed = 7;
  auto next = [&] { return seed = seed * 1103515245u + 12345u, (seed >> 16) & 0x7fff; };
  const std::string_view alphabet = " ekA:_";
  for (int round = 0; round < 2000; ++round) {
    std::string text, what;
    for (size_t n = next() % 40; n--;) text += alphabet[next() % alphabet.size()];
    for (size_t n = next() % 5; n--;) what += alphabet[next() % alphabet.size()];
    for (size_t from = 0; from <= text.size() + 1; ++from) {
      INFO("[" << text << "] [" << what << "] from " << from);
      REQUIRE(find_literal(text, what, from) == std::string_view(text).find(what, from));
    }
  }
}
