// --decode --incidents on what pstore kept: the previous boot's crashes, each once, titled and
// fingerprinted as the same crashes were live.
#include <catch2/catch.hpp>

#include "decode/decode_output.h"
#include "pstore/pstore_incidents.h"
#include "decode/saved_log.h"
#include "incidents/incident_json.h"
#include "test_util.h"

using namespace klogd;
using namespace klogd::test;

namespace {

const std::string kPair = KLOGD_TEST_DATA "/pstore/pairA/";

std::vector<Incident> of(const std::string& path) {
  static Symbolizer none;
  static Annotator annotator(&none, {});
  PstoreHarvest h = read_pstore(path);
  CHECK(h.problems.empty());
  return pstore_incidents(h.dumps, annotator);
}

}  // namespace

TEST_CASE("pstore decode: the shared pair's crashes, once each, as they were live", "[decode]") {
  static Symbolizer none;
  static Annotator annotator(&none, {});
  const auto live = find_incidents(read_file(kPair + "boot1/console.txt"), annotator);
  REQUIRE(live.size() == 3);
  for (const std::string& dir : {kPair + "pstore", kPair + "systemd-pstore/var/lib/systemd/pstore",
                                 kPair + "systemd-pstore/var/lib/systemd/pstore/dmesg.txt",
                                 kPair + "pstore/dmesg-ramoops-1"}) {
    INFO(dir);
    SavedLog saved;
    std::string err;
    REQUIRE(read_saved_log(dir, &saved, &err));
    CHECK(saved.kind == SavedLog::Kind::kPstore);
    const auto prev = of(dir);
    // the panic record alone holds all three; the oops record repeats the first two
    REQUIRE(prev.size() == 3);
    for (size_t i = 0; i < 3; ++i) {
      CHECK(prev[i].title == live[i].title);
      CHECK(prev[i].fingerprint == live[i].fingerprint);
      CHECK(prev[i].type == live[i].type);
      CHECK(prev[i].boot == "previous");
    }
    CHECK(prev[2].title == "kernel panic: sysrq triggered crash");
    CHECK(prev[2].panicked);
    std::string json;
    append_incident_json(prev[1], &json);
    CHECK(json.find("\"boot\":\"previous\"") != std::string::npos);
  }
  // the oops record alone: the WARN and the oops, no panic
  const auto oops = of(kPair + "pstore/dmesg-ramoops-0");
  REQUIRE(oops.size() == 2);
  CHECK(oops[1].title == "BUG: unable to handle kernel NULL pointer dereference in crashme_oops");
  SavedLog console;
  std::string err;
  REQUIRE(read_saved_log(kPair + "boot1/console.txt", &console, &err));
  CHECK(console.kind == SavedLog::Kind::kLog);
}
