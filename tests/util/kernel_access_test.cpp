// Why the kernel hides a file from klogd, said plainly: a mount over it (a sandbox) is told apart
// from the file itself.
#include "util/kernel_access.h"

#include <sched.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "test_util.h"

using namespace klogd;
using namespace klogd::test;

TEST_CASE("kernel access: a file with something mounted over it is said to be hidden", "[util]") {
  const std::string dir = temp_dir();
  write_file(dir + "/kallsyms", "ffffffff81000000 T _text\n");
  CHECK(mounted_over_hint(dir + "/kallsyms").empty());
  CHECK(mounted_over_hint(dir + "/missing").empty());
  CHECK(mounted_over_hint("/proc/kallsyms").empty());
  // as systemd's ProtectKernelTunables= does: a node of another file system over the file, in a
  // mount namespace of the child's own
  pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    if (::unshare(CLONE_NEWNS) != 0 ||
        ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
      ::_exit(77);
    if (::mount("/dev/null", (dir + "/kallsyms").c_str(), nullptr, MS_BIND, nullptr) != 0)
      ::_exit(77);
    const std::string hint = mounted_over_hint(dir + "/kallsyms");
    ::_exit(hint.find("ProtectKernelTunables=") != std::string::npos ? 0 : 1);
  }
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  REQUIRE(WIFEXITED(status));
  if (WEXITSTATUS(status) == 77) skip_test("no mount namespace here");
  CHECK(WEXITSTATUS(status) == 0);
}
