// An incident as a record on the sinks' path: its level, fields, line, and its source line.
#include "incidents/incident_record.h"

#include <catch2/catch.hpp>

using namespace klogd;

namespace {

Incident warn() {
  Incident i;
  i.type = IncidentType::kWarning;
  i.title = "WARNING in crashme_warn";
  i.function = "crashme_warn";
  i.module = "crashme";
  i.frames = {"crashme_write+0x1f/0x9b [crashme]", "vfs_write+0xc5/0x3a0"};
  i.first_line = 100;
  i.last_line = 140;
  i.fingerprint = "0123456789abcdef0123";
  return i;
}

std::string field(const FinishedRecord& r, const std::string& name) {
  for (const auto& [k, v] : r.event->fields)
    if (k == name) return v;
  return "(none)";
}

}  // namespace

TEST_CASE("incident record: fields, line, and the record it follows", "[incidents]") {
  FinishedRecord r = incident_record(warn(), 2884177, 140, 3);
  REQUIRE(r.event);
  CHECK(r.event->message_id == kIncidentMessageId);
  CHECK(r.event->field_prefix == "KERNEL_INCIDENT_");
  CHECK(r.event->line == "klogd: incident: WARNING in crashme_warn [0123456789abcdef0123]");
  CHECK(r.text == "WARNING in crashme_warn");
  CHECK(r.record.ts_usec == 2884177u);
  CHECK_FALSE(r.kernel_seq);  // no sequence number of its own
  CHECK(r.after_seq == 140u);
  CHECK(field(r, "type") == "warning");
  CHECK(field(r, "fingerprint") == "0123456789abcdef0123");
  CHECK(field(r, "module") == "crashme");
  CHECK(field(r, "repeats") == "3");
  CHECK(field(r, "source") == "(none)");
  add_incident_source(&r, "drivers/crashme.c:25");
  CHECK(field(r, "source") == "drivers/crashme.c:25");
  CHECK(r.event->line.ends_with("[0123456789abcdef0123] (drivers/crashme.c:25)"));
  FinishedRecord unchanged = incident_record(warn(), 1, std::nullopt, 0);
  add_incident_source(&unchanged, "");
  CHECK(field(unchanged, "source") == "(none)");
}

TEST_CASE("incident record: its level says how bad it is", "[incidents]") {
  Incident i = warn();
  CHECK(incident_level(i) == 4);
  i.type = IncidentType::kOops;
  CHECK(incident_level(i) == 2);
  i.type = IncidentType::kOom;
  CHECK(incident_level(i) == 3);
  i.panicked = true;
  CHECK(incident_level(i) == 0);
  CHECK(incident_record(i, 1, std::nullopt, 0).record.level == 0);
}
