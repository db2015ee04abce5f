// Bad records, one test per row: no crash, a clear reason, and the record still delivered with
// its damage marked whenever it can be.
#include <catch2/catch.hpp>

#include "annotate/record_processor.h"

using namespace klogd;

namespace {

struct Pipe {
  Symbolizer sym;
  Annotator annotator{&sym, {}};
  RecordProcessor processor{&annotator};
  std::vector<FinishedRecord> out;
  ParseError run(std::string_view raw) { return processor.process(raw, &out); }
  std::string line(size_t i = 0) {
    std::string s;
    append_klogd_line(out.at(i), out.at(i).text, &s);
    return s;
  }
};

}  // namespace

TEST_CASE("bad input: record with NUL bytes", "[bad_input]") {
  Pipe p;
  CHECK(p.run(std::string("6,1,2,-;before\0after\n", 21)) == ParseError::kNulByte);
  REQUIRE(p.out.size() == 1);
  CHECK(p.out[0].text == std::string("before\0after", 12));   // decoded, as the kernel meant it
  CHECK(p.line() == "<6>[    0.000002] before\\x00after\n");  // one line, NUL escaped
  CHECK(p.processor.counters().malformed == 1);
  CHECK(p.processor.counters().salvaged == 1);
}

TEST_CASE("bad input: record over 8 KiB", "[bad_input]") {
  Pipe p;
  std::string big = "6,1,2,-;" + std::string(20000, 'x') + "\n";
  CHECK(p.run(big) == ParseError::kTooLong);
  REQUIRE(p.out.size() == 1);
  CHECK(p.out[0].text.find("[klogd: record cut, ") != std::string::npos);
  CHECK(p.out[0].text.find(" bytes not kept]") != std::string::npos);
  CHECK(p.out[0].text.size() < kMaxRecordBytes);
}

TEST_CASE("bad input: invalid escapes", "[bad_input]") {
  Pipe p;
  CHECK(p.run("6,1,2,-;a\\xZZ b\\x4 c\\\n") == ParseError::kOk);
  REQUIRE(p.out.size() == 1);
  CHECK(p.out[0].text == "a\\xZZ b\\x4 c\\");
}

TEST_CASE("bad input: non-UTF-8 bytes", "[bad_input]") {
  Pipe p;
  CHECK(p.run("6,1,2,-;caf\\xe9 \\xff\\xfe\n") == ParseError::kOk);
  REQUIRE(p.out.size() == 1);
  CHECK(p.out[0].text == "caf\xe9 \xff\xfe");
  CHECK(p.line() == "<6>[    0.000002] caf\xe9 \xff\xfe\n");  // bytes kept as they are
}

TEST_CASE("bad input: priority out of range", "[bad_input]") {
  Pipe p;
  CHECK(p.run("99999,7,2,-;strange prio\n") == ParseError::kBadNumber);
  REQUIRE(p.out.size() == 1);
  CHECK(p.out[0].synthetic);
  CHECK(p.out[0].text ==
        "klogd: malformed kernel record (non-numeric or out-of-range header field): "
        "99999,7,2,-;strange prio\\x0a");
}

TEST_CASE("bad input: sequence number going backwards", "[bad_input]") {
  Pipe p;
  p.run("6,100,2,-;a\n");
  p.run("6,50,3,-;b\n");
  p.run("6,51,4,-;c\n");
  REQUIRE(p.out.size() == 3);  // all delivered, no invented loss record
  CHECK(p.out[1].text == "b");
  CHECK(p.processor.counters().backwards == 1);
  CHECK(p.processor.counters().missed == 0);
}

TEST_CASE("bad input: an unreadable record between two good ones is no gap", "[bad_input]") {
  Pipe p;
  CHECK(p.run("6,10,1,-;first\n") == ParseError::kOk);
  CHECK(p.run("not a kernel record at all\n") != ParseError::kOk);
  CHECK(p.run("6,12,3,-;third\n") == ParseError::kOk);
  REQUIRE(p.out.size() == 3);  // no "missed" notice between them
  CHECK(p.out[1].text.rfind("klogd: malformed kernel record (", 0) == 0);
  CHECK(p.out[2].text == "third");
  CHECK(p.processor.counters().missed == 0);
  // a real gap after it is still stated exactly
  CHECK(p.run("6,15,4,-;sixth\n") == ParseError::kOk);
  REQUIRE(p.out.size() == 5);
  CHECK(p.out[3].text == "klogd: missed 2 kernel messages");
}

TEST_CASE("bad input: hiding addresses, an unreadable record's bytes are masked too",
          "[bad_input][hide]") {
  Symbolizer sym;
  AnnotatorOptions o;
  o.hide_addresses = true;
  Annotator annotator(&sym, o);
  RecordProcessor processor(&annotator);
  std::vector<FinishedRecord> out;
  processor.process("garbage at ffffffff81000000\n", &out);
  processor.process("6,1,2,-;a page at ffff888003c8e000\n DEVICE=+mem:ffff888003c8e000\n", &out);
  REQUIRE(out.size() == 2);
  CHECK(out[0].text.find("garbage at (____ptrval____)") != std::string::npos);
  CHECK(out[1].text == "a page at (____ptrval____)");
  CHECK(out[1].original.empty());  // the kernel's text is not kept beside it
  REQUIRE(out[1].record.dict.size() == 1);
  CHECK(out[1].record.dict[0].second == "+mem:(____ptrval____)");
}
