// ossmp internals: a software prefetch hint for the streaming kernels.
#pragma once

#include <cstddef>
#include <cstdint>

#include <ossmp/version.hpp>

namespace ossmp::inline v0::detail {

// Asks for the cache line `ahead` bytes past `p` to be loaded. A hint only: it never faults,
// so it may point past the end of the buffer; the address is formed as an integer because
// pointer arithmetic out of bounds would be undefined behaviour.
inline void prefetch(const unsigned char* p, std::size_t ahead) noexcept {
    __builtin_prefetch(reinterpret_cast<const void*>(reinterpret_cast<std::uintptr_t>(p) + ahead));
}

}  // namespace ossmp::inline v0::detail
