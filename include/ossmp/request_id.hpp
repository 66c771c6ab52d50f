// ossmp: the id that pairs a request with its outcome. The upload machine hands out ids
// with its requests; transports and drivers carry them back with each completion.
#pragma once

#include <cstdint>

#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

/// Identifies one request handed out by the machine; never reused within a machine.
using request_id = std::uint64_t;

}  // namespace ossmp::inline v0
