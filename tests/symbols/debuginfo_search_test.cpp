// Where --decode finds a release's debug info: the release a log names, the places
// distributions install the vmlinux and the modules' debug files (a tree of the test's own
// standing for /), and a folder given with --debuginfo.
#include "symbols/debuginfo_search.h"

#include <catch2/catch.hpp>
#include <filesystem>

#include "test_util.h"

using namespace klogd;
using namespace klogd::test;

namespace {
const std::string kDir = KLOGD_TEST_DATA "/source/";
const std::string kRelease = "6.1.0-56-amd64";

void put(const std::string& from, const std::string& to) {
  std::filesystem::create_directories(std::filesystem::path(to).parent_path());
  std::filesystem::copy_file(from, to, std::filesystem::copy_options::overwrite_existing);
}
}  // namespace

TEST_CASE("debuginfo search: where distributions install it, the debug package before the "
          "modules' tree",
          "[decode][source]") {
  const std::string root = temp_dir();
  CHECK(find_debug_files(kRelease, {"module_test"}, root).vmlinux.empty());
  put(kDir + "vmlinux-test", root + "/lib/modules/" + kRelease + "/build/vmlinux");
  put(kDir + "module-test.ko", root + "/lib/modules/" + kRelease + "/kernel/drivers/misc/module-test.ko");
  DebugFiles f = find_debug_files(kRelease, {"module_test", "absent"}, root);
  CHECK(f.vmlinux == root + "/lib/modules/" + kRelease + "/build/vmlinux");
  REQUIRE(f.modules.count("module_test"));
  CHECK(f.modules["module_test"].ends_with("/kernel/drivers/misc/module-test.ko"));
  CHECK_FALSE(f.modules.count("absent"));
  REQUIRE(f.looked.size() == 4);
  CHECK(f.looked[0] == root + "/usr/lib/debug/boot/vmlinux-" + kRelease);
  // the debug package's files win
  put(kDir + "vmlinux-test", root + "/usr/lib/debug/boot/vmlinux-" + kRelease);
  put(kDir + "module-test.ko",
      root + "/usr/lib/debug/lib/modules/" + kRelease + "/kernel/drivers/misc/module-test.ko.debug");
  f = find_debug_files(kRelease, {"module-test"}, root);
  CHECK(f.vmlinux == root + "/usr/lib/debug/boot/vmlinux-" + kRelease);
  CHECK(f.modules["module_test"].ends_with(".ko.debug"));
  // another release: nothing
  CHECK(find_debug_files("6.1.0-57-amd64", {"module_test"}, root).vmlinux.empty());
}

TEST_CASE("debuginfo search: a folder given, laid out like /usr/lib/debug or flat",
          "[decode][source]") {
  const std::string tree = temp_dir();
  put(kDir + "vmlinux-test", tree + "/boot/vmlinux-" + kRelease);
  put(kDir + "module-test.ko", tree + "/lib/modules/" + kRelease + "/extra/module-test.ko.debug");
  DebugFiles f = find_debug_files_in(tree, kRelease, {"module_test"});
  CHECK(f.vmlinux == tree + "/boot/vmlinux-" + kRelease);
  CHECK(f.modules.count("module_test"));
  const std::string flat = temp_dir();
  put(kDir + "vmlinux-test", flat + "/vmlinux");
  put(kDir + "module-test.ko", flat + "/module-test.ko");
  f = find_debug_files_in(flat, "", {"module_test"});
  CHECK(f.vmlinux == flat + "/vmlinux");
  CHECK(f.modules.count("module_test"));
}
