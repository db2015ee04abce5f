#pragma once
/// Debug files fetched by build ID from debuginfod servers (elfutils' libdebuginfod): the servers
/// named in DEBUGINFOD_URLS (the elfutils convention; klogd --debuginfod URL sets it), the file
/// kept in libdebuginfod's cache (DEBUGINFOD_CACHE_PATH, else ~/.cache/debuginfod_client).
/// Each fetch is bounded in time, whatever the server does (one that accepts and never answers
/// included).
///
/// Threads: libdebuginfod reads DEBUGINFOD_URLS (and its cache path) from the environment, and
/// setenv() is not safe while another thread may read it: the environment is set once, before
/// any thread starts (life/config.h: apply_debuginfod_environment). A fetch runs on the calling
/// thread (the source-line service's own, or --decode's main one), one client per fetch.

#include <atomic>
#include <chrono>
#include <string>

namespace klogd {

/// How long one fetch may take by default, whatever the server does.
inline constexpr std::chrono::seconds kDebuginfodFetchTime{60};

/// Whether a server is named (DEBUGINFOD_URLS set and not empty).
bool debuginfod_configured();

/// The debug file (DWARF) of `build_id` (hex digits): its path in the cache, or "" with *err
/// ("debuginfod: BUILDID: not found on SERVERS", "... no answer from SERVERS within N s").
/// `cancel`, when given, ends the fetch as soon as it is set (the daemon's exit).
std::string fetch_debuginfo(const std::string& build_id, std::chrono::milliseconds max_time,
                            std::string* err, const std::atomic<bool>* cancel = nullptr);

}  // namespace klogd
