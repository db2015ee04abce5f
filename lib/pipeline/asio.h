#pragma once
// Every file includes Asio through this header: Boost 1.74's Asio under -std=c++20 with GCC 12
// needs <utility> first ("'exchange' is not a member of 'std'").
#include <boost/asio.hpp>
#include <utility>
