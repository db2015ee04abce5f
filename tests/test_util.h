#pragma once
// Helpers for tests that run the built klogd binary and touch the real kernel.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace klogd::test {

struct CommandResult {
  int status = -1;
  std::string output;  // stdout and stderr together
};

inline CommandResult run_command(const std::string& cmd) {
  CommandResult r;
  std::FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
  if (!p) return r;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.output.append(buf, n);
  int st = ::pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

inline std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

inline void write_file(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << text;
}

inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  std::string line;
  while (std::getline(ss, line)) out.push_back(line);
  return out;
}

/// Writes one record into the kernel log, on a fresh fd (the kernel rate-limits per open file).
inline bool inject_kmsg(const std::string& line) {
  int fd = ::open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  ::close(fd);
  return ok;
}

/// A saved capture in `cat /dev/kmsg` form, for --kmsg FILE (a replay runs the live path without
/// touching the shared /dev/kmsg): one record per text, sequence numbers from `first_seq`,
/// facility user, level info (prio 14) unless `prio` says otherwise.
inline void write_capture(const std::string& path, const std::vector<std::string>& texts,
                          uint64_t first_seq = 1, int prio = 14) {
  std::string out;
  uint64_t seq = first_seq;
  for (const std::string& t : texts) {
    out += std::to_string(prio) + "," + std::to_string(seq) + "," + std::to_string(seq * 1000) +
           ",-;" + t + "\n";
    ++seq;
  }
  std::ofstream(path, std::ios::binary | std::ios::trunc) << out;
}

/// How many times `what` is in `s` (overlapping ones too).
inline size_t count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
  return n;
}

/// A fresh temporary directory.
inline std::string temp_dir() {
  char tmpl[] = "/tmp/klogd-test-XXXXXX";
  const char* d = ::mkdtemp(tmpl);
  return d ? d : "/tmp";
}

/// A folder standing for / whose /sys/kernel/notes holds `elf`'s build ID note: a running kernel
/// that is `elf`, for the code that reads the kernel's build ID under a root. "" when objcopy
/// fails.
inline std::string root_whose_kernel_is(const std::string& elf) {
  const std::string root = temp_dir();
  if (::mkdir((root + "/sys").c_str(), 0755) != 0 || ::mkdir((root + "/sys/kernel").c_str(), 0755) != 0)
    return "";
  auto r = run_command("objcopy -O binary --only-section=.note.gnu.build-id " + elf + " " + root +
                       "/sys/kernel/notes");
  return r.status == 0 ? root : "";
}

/// A tag unique to this test run, so a test finds its own records in the shared kernel log.
inline std::string unique_tag(const std::string& what) {
  static int counter = 0;
  return "klogdtest-" + what + "-" + std::to_string(::getpid()) + "-" + std::to_string(++counter);
}

/// Polls until `ok` holds, at most `ms` milliseconds (tests never wait unbounded).
inline bool wait_until(const std::function<bool()>& ok, int ms = 10000) {
  for (int i = 0; i < ms / 50; ++i) {
    if (ok()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return ok();
}

/// Polls a file until it contains `what` (at most 10 s).
inline bool wait_for(const std::string& path, const std::string& what) {
  return wait_until([&] { return read_file(path).find(what) != std::string::npos; });
}

inline bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

/// Starts `cmd` through sh (exec'ed, so the pid is the command's own).
inline pid_t spawn(const std::string& cmd) {
  pid_t pid = ::fork();
  if (pid == 0) {
    ::execl("/bin/sh", "sh", "-c", ("exec " + cmd).c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  return pid;
}

/// Sends `sig` and reaps the process; its exit status, or -1 when it did not exit normally.
inline int stop(pid_t pid, int sig = SIGTERM) {
  if (pid <= 0) return -1;
  ::kill(pid, sig);
  int st = 0;
  ::waitpid(pid, &st, 0);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/// A process started by a test and always stopped: on a failed REQUIRE the destructor kills it,
/// so no daemon outlives its test (it would hold CTest's output pipe open).
class Child {
 public:
  Child() = default;
  explicit Child(const std::string& cmd) : pid_(spawn(cmd)) {}
  ~Child() { stop(SIGKILL); }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  /// Starts `cmd`, stopping (SIGKILL) whatever this Child ran before.
  void start(const std::string& cmd) {
    stop(SIGKILL);
    pid_ = spawn(cmd);
  }
  /// Sends `sig`, reaps, and returns the exit status (-1: killed, or nothing running).
  int stop(int sig = SIGTERM) {
    int st = klogd::test::stop(pid_, sig);
    pid_ = -1;
    return st;
  }
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
};

/// CTest's SKIP_RETURN_CODE (tests/CMakeLists.txt): a test that cannot run here shows as skipped
/// in the summary, never as passed. Call it before the test starts anything (it exits at once).
inline constexpr int kSkipped = 77;
[[noreturn]] inline void skip_test(const std::string& why) {
  std::printf("SKIPPED: %s\n", why.c_str());
  std::fflush(stdout);
  std::exit(kSkipped);
}

/// A 64-bit value as 16 hex digits, as the kernel prints addresses.
inline std::string hex16(uint64_t v) {
  char b[32];
  std::snprintf(b, sizeof b, "%016llx", static_cast<unsigned long long>(v));
  return b;
}

/// The live address of `schedule` from /proc/kallsyms (0 when hidden); *name = "schedule".
inline uint64_t a_real_text_address(std::string* name) {
  for (const auto& l : lines_of(read_file("/proc/kallsyms"))) {
    if (l.find(" T schedule") != std::string::npos && l.size() == 27) {
      *name = "schedule";
      return std::stoull(l.substr(0, 16), nullptr, 16);
    }
  }
  return 0;
}

}  // namespace klogd::test
