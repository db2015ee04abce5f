// Fuzzes the forward queue's files as a restarted klogd finds them: the input is a queue file
// (00000000000000000000.seg), and, after the first 0xfe byte, the cursor file. Opening must cut
// off what is damaged and never crash; what it keeps must be takeable, then the queue must work.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "forward/forward_queue.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string dir = "/tmp/klogd-fuzz-queue-" + std::to_string(::getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::string_view all(reinterpret_cast<const char*>(data), size);
  size_t cut = all.find('\xfe');
  std::ofstream(dir + "/00000000000000000000.seg", std::ios::binary) << all.substr(0, cut);
  if (cut != std::string_view::npos)
    std::ofstream(dir + "/cursor", std::ios::binary) << all.substr(cut + 1);
  klogd::ForwardQueue q({dir, 1 << 20, 1 << 16, 4096});
  std::string report, err;
  if (!q.open(&report, &err)) return 0;
  q.set_target_up(true);
  q.push("after the restart");
  klogd::ForwardQueue::Batch b;
  for (int i = 0; i < 1000 && q.take(&b, 512, std::chrono::milliseconds(0)); ++i) q.commit(b);
  if (q.stats().frames != 0) __builtin_trap();  // everything kept was takeable
  return 0;
}
