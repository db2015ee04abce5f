// The symbol keeper: -p reloads module symbols off the loop thread, for the kernel's records only,
// at most once a second, however many oops lines come.
#include "pipeline/symbol_keeper.h"

#include <catch2/catch.hpp>

#include "test_util.h"

using namespace klogd;
using namespace klogd::test;

TEST_CASE(
    "symbol keeper: -p reloads modules once for a storm of kernel oops lines, never for "
    "userspace's",
    "[pipeline][paranoid]") {
  std::string dir = temp_dir();
  run_command("mkdir -p " + dir + "/proc");
  KernelPaths paths = KernelPaths::under(dir);
  write_file(paths.modules, "old 4096 0 - Live 0xffffffffc8700000\n");
  write_file(paths.kallsyms, "ffffffffc8700000 t old_func\t[old]\n");
  boost::asio::io_context io;
  Symbolizer symbolizer;
  SymbolOptions so;
  so.paths = paths;
  int reloads = 0;
  SymbolKeeper keeper(io, &symbolizer, {so, true, true}, [&](const Notes& n) {
    for (const auto& note : n.all())
      if (note.text.find("reload: modules reloaded") != std::string::npos) ++reloads;
  });
  Notes quiet;
  symbolizer.set_modules(load_modules(paths, &quiet));
  REQUIRE(symbolizer.modules()->modules().at(0).name == "old");
  write_file(paths.modules, "new 4096 0 - Live 0xffffffffc8700000\n");
  write_file(paths.kallsyms, "ffffffffc8700000 t new_func\t[new]\n");

  KmsgRecord user;
  user.facility = 1;  // written into /dev/kmsg by a program
  user.text = "BUG: not the kernel's";
  for (int i = 0; i < 300; ++i) keeper.observe(user);
  io.run_for(std::chrono::milliseconds(200));
  CHECK(reloads == 0);
  CHECK(symbolizer.modules()->modules().at(0).name == "old");

  KmsgRecord kernel;
  kernel.text = "BUG: kernel NULL pointer dereference, address: 0000000000000000";
  KmsgRecord oops;
  oops.text = "Oops: 0002 [#1] PREEMPT SMP NOPTI";
  for (int i = 0; i < 300; ++i) keeper.observe(i % 2 ? kernel : oops);  // returns at once
  CHECK(symbolizer.modules()->modules().at(0).name == "old");           // not on this thread
  REQUIRE(wait_until([&] {
    io.restart();
    io.run_for(std::chrono::milliseconds(20));
    return reloads > 0;
  }));
  io.restart();
  io.run_for(std::chrono::milliseconds(200));
  CHECK(reloads == 1);
  CHECK(symbolizer.modules()->modules().at(0).name == "new");
  keeper.stop();
}
