#pragma once
// The pipeline layer's Asio (the event loop, its timers, signals and descriptors), in one header.
// Boost 1.74's Asio under -std=c++20 with GCC 12 needs <utility> before it ("'exchange' is not
// a member of 'std'" in awaitable.hpp), so <utility> comes first here. (Other layers include
// only the parts of Asio they use, which do not reach awaitable.hpp: metrics' server and file,
// the TLS transport.)
// clang-format off
#include <utility>
#include <boost/asio.hpp>
// clang-format on
