// The build ID of what runs, from ELF notes as /sys/kernel/notes and /sys/module/NAME/notes hold
// them: the tests' own ELF file's note, cut out by objcopy, read back and held to readelf's
// answer and to the ID libdw reads from the file; damaged blocks give no ID; the running
// kernel's own notes give one.
#include "symbols/build_id_note.h"

#include <catch2/catch.hpp>
#include <filesystem>

#include "symbols/debug_info.h"
#include "test_util.h"

using namespace klogd;
using namespace klogd::test;

namespace {
const std::string kVmlinux = KLOGD_TEST_DATA "/source/vmlinux-test";
}

TEST_CASE("build ID note: a file's note read as the kernel exports it", "[symbols][buildid]") {
  const std::string dir = temp_dir();
  auto cut = run_command("objcopy -O binary --only-section=.note.gnu.build-id " + kVmlinux + " " +
                         dir + "/notes");
  REQUIRE(cut.status == 0);
  auto r = run_command("readelf -n " + kVmlinux + " | sed -n 's/.*Build ID: //p'");
  REQUIRE(r.status == 0);
  const std::string expected = lines_of(r.output).at(0);
  REQUIRE(expected.size() == 40);
  CHECK(read_build_id_note(dir + "/notes") == expected);
  std::string err;
  auto d = DebugInfo::open(kVmlinux, &err);
  REQUIRE(d);
  CHECK(d->build_id() == expected);

  // another note first (as /sys/kernel/notes has Xen and Linux notes), then the GNU one
  std::string other("\x06\0\0\0\x04\0\0\0\x01\0\0\0Linux\0\0\0abcd", 24);
  std::string notes = read_file(dir + "/notes");
  CHECK(gnu_build_id(other + notes) == expected);
  // damaged: cut anywhere inside, a size past the end, nothing at all
  for (size_t n : {0, 3, 12, 15, 20})
    CHECK(gnu_build_id(std::string_view(notes).substr(0, n)) == "");
  std::string huge = notes;
  huge[0] = '\xff';
  huge[1] = '\xff';
  CHECK(gnu_build_id(huge) == "");
  CHECK(read_build_id_note(dir + "/none") == "");
}

TEST_CASE("build ID note: the running kernel's", "[symbols][buildid]") {
  const std::string id = read_build_id_note(kernel_notes_path());
  if (id.empty()) skip_test("/sys/kernel/notes holds no build ID here");
  CHECK(id.size() >= 16);
  CHECK(id.find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(module_notes_path("crashme") == "/sys/module/crashme/notes/.note.gnu.build-id");
}
