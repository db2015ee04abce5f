// What --decode is given is told by its bytes, never by its name: every saved log of tests/data,
// in each form --decode knows, gives the same output under its own name, as dmesg.txt (how
// people save a log), as vmcore-dmesg.txt, under a neutral name and on standard input, with and
// without --incidents.
#include <catch2/catch.hpp>
#include <filesystem>
#include <optional>

#include "deflate_util.h"
#include "test_util.h"

using namespace klogd::test;

namespace {

const std::string kKlogd = KLOGD_BINARY;
const std::string kData = KLOGD_TEST_DATA;

struct Input {
  std::string what;  // the form
  std::string bytes;
  std::string options;  // the crashed kernel's files, as a user names them
  bool has_incidents;
};

std::vector<Input> inputs() {
  const std::string deb = " -k " + kData + "/debian/System.map --kallsyms " + kData +
                          "/debian/kallsyms.txt --modules " + kData + "/debian/modules.txt";
  const std::string nok = " -k " + kData + "/nokallsyms/System.map";
  const std::string pair = kData + "/pstore/pairA/";
  // kdump's saved log (makedumpfile --dump-dmesg, vmcore-dmesg): the crashed boot's lines as
  // dmesg prints them, no level
  std::string kdump;
  for (const std::string& l : lines_of(read_file(pair + "pstore/dmesg-ramoops-1")))
    if (l.starts_with("<")) kdump += l.substr(l.find('>') + 1) + "\n";
  return {
      {"dmesg", read_file(kData + "/debian/dmesg.txt"), deb, true},
      {"console", read_file(kData + "/debian/console.txt"), deb, true},
      {"/dev/kmsg capture", read_file(kData + "/debian/kmsg.raw"), deb, true},
      {"dmesg, no kallsyms", read_file(kData + "/nokallsyms/dmesg.txt"), nok, true},
      {"console, no kallsyms", read_file(kData + "/nokallsyms/console.txt"), nok, true},
      {"/dev/kmsg capture, no kallsyms", read_file(kData + "/nokallsyms/kmsg.raw"), nok, true},
      {"journalctl -k", read_file(kData + "/host/journalctl-k.txt"), "", false},
      {"journalctl -k -o short-monotonic", read_file(kData + "/host/journalctl-k-monotonic.txt"),
       "", false},
      {"pstore record (oops)", read_file(pair + "pstore/dmesg-ramoops-0"), "", true},
      {"pstore record (panic)", read_file(pair + "pstore/dmesg-ramoops-1"), "", true},
      {"pstore record, compressed", deflate_raw(read_file(pair + "pstore/dmesg-ramoops-0")), "",
       true},
      {"systemd-pstore's dmesg.txt",
       read_file(pair + "systemd-pstore/var/lib/systemd/pstore/dmesg.txt"), "", true},
      {"kdump log", kdump, "", true},
  };
}

}  // namespace

TEST_CASE("decode: a saved log is what its bytes are, under any name", "[decode]") {
  const std::string dir = temp_dir();
  for (const Input& in : inputs()) {
    INFO(in.what);
    REQUIRE_FALSE(in.bytes.empty());
    for (const char* mode : {"", " --incidents"}) {
      INFO(mode);
      std::optional<std::string> first;
      for (const std::string& name :
           {std::string("own-name.log"), std::string("dmesg.txt"), std::string("vmcore-dmesg.txt"),
            std::string("dmesg-ramoops-0.enc.z"), std::string("input")}) {
        INFO(name);
        std::filesystem::remove_all(dir + "/" + name);
        write_file(dir + "/" + name, in.bytes);
        auto r = run_command("{ " + kKlogd + " --decode " + dir + "/" + name + in.options + mode +
                             " 2>/dev/null; }");
        REQUIRE(r.status == 0);
        if (!first) {
          first = r.output;
          if (!*mode) REQUIRE_FALSE(first->empty());
          if (*mode && in.has_incidents) CHECK(first->find("\"fingerprint\"") != std::string::npos);
        }
        CHECK(r.output == *first);
      }
      auto piped = run_command("{ " + kKlogd + " --decode - " + in.options + mode + " < " + dir +
                               "/input 2>/dev/null; }");
      CHECK(piped.status == 0);
      CHECK(piped.output == *first);
    }
  }
}

TEST_CASE("decode: a pstore record without --incidents is decoded like any saved log",
          "[decode]") {
  const std::string dir = temp_dir();
  const std::string pair = kData + "/pstore/pairA/";
  write_file(dir + "/dmesg.txt", read_file(pair + "pstore/dmesg-ramoops-0"));
  auto r = run_command(kKlogd + " --decode " + dir + "/dmesg.txt");
  REQUIRE(r.status == 0);
  CHECK(r.output.find("pstore record") != std::string::npos);  // said on stderr
  CHECK(r.output.find("<4>[    2.907674] ---[ end trace 0000000000000000 ]---") !=
        std::string::npos);
  // what is not a log in a form klogd knows is said, and decoded as it is
  write_file(dir + "/notes", "shopping list\neggs\n");
  auto bare = run_command(kKlogd + " --decode " + dir + "/notes");
  CHECK(bare.status == 0);
  CHECK(bare.output.find("no line in a form klogd knows") != std::string::npos);
  write_file(dir + "/core", std::string("\x7f" "ELF\x02\x01\x01\0\0\0junk", 14));
  auto binary = run_command(kKlogd + " --decode " + dir + "/core");
  CHECK(binary.status == 0);
  CHECK(binary.output.find("binary data") != std::string::npos);
}
