// ossmp internals: the portable CRC-64/XZ kernel (slicing-by-8). It runs everywhere, takes
// the short inputs the folding kernels would only slow down, and finishes their last bytes.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include <ossmp/crypto/detail/bytes.hpp>
#include <ossmp/crypto/detail/crc64_gf2.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0::detail {

using crc64_table_set = std::array<std::array<std::uint64_t, 256>, 8>;
constexpr crc64_table_set make_crc64_tables() noexcept {
    crc64_table_set t{};
    for (std::uint64_t i = 0; i < 256; ++i) {
        std::uint64_t c = i;
        for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ crc64_poly : c >> 1;
        t[0][i] = c;
    }
    for (std::size_t s = 1; s < 8; ++s)
        for (std::size_t i = 0; i < 256; ++i) t[s][i] = (t[s - 1][i] >> 8) ^ t[0][t[s - 1][i] & 0xff];
    return t;
}
inline constexpr crc64_table_set crc64_tables = make_crc64_tables();

// Continues the raw (inverted) CRC register `reg` over `n` bytes at `p`; returns the raw
// register.
inline std::uint64_t crc64_slice8(std::uint64_t reg, const unsigned char* p, std::size_t n) noexcept {
    const auto& t = crc64_tables;
    while (n >= 8) {
        reg ^= load_le64(p);
        reg = t[7][reg & 0xff] ^ t[6][(reg >> 8) & 0xff] ^ t[5][(reg >> 16) & 0xff] ^
              t[4][(reg >> 24) & 0xff] ^ t[3][(reg >> 32) & 0xff] ^ t[2][(reg >> 40) & 0xff] ^
              t[1][(reg >> 48) & 0xff] ^ t[0][reg >> 56];
        p += 8;
        n -= 8;
    }
    while (n--) reg = t[0][(reg ^ *p++) & 0xff] ^ (reg >> 8);
    return reg;
}

}  // namespace ossmp::inline v0::detail
