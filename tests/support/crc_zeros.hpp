// Test support: the CRC of N zero bytes without N bytes of memory, for known answers such as
// "3 GiB of zeros": a 4 KiB block's CRC doubled with `combine`, one step per bit of N.
#pragma once

#include <cstdint>
#include <string>

namespace ossmp_test {

template <class Reg, class Of, class Combine>
Reg crc_of_zeros(std::uint64_t length, Of of, Combine combine) {
    const std::string chunk(4096, '\0');
    Reg block = of(chunk.data(), chunk.size());
    std::uint64_t block_len = chunk.size(), done = length % block_len;
    Reg result = of(chunk.data(), static_cast<std::size_t>(done));
    for (std::uint64_t rest = length / block_len; rest; rest >>= 1, block_len *= 2) {
        if (rest & 1) {
            result = combine(block, result, done);  // zeros commute: the block may go first
            done += block_len;
        }
        block = combine(block, block, block_len);
    }
    return result;
}

}  // namespace ossmp_test
