// ossmp internals: the portable CRC kernel (slicing-by-8) for any reflected 32- or 64-bit
// CRC. It runs everywhere, takes the short inputs the folding kernels would only slow down,
// finishes their last bytes, and is the reference the other kernels are tested against.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include <ossmp/crypto/detail/bytes.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0::detail {

// t[0] is the byte-at-a-time table; t[s] moves a byte's effect s bytes further on.
template <class Reg, Reg Poly>
constexpr std::array<std::array<Reg, 256>, 8> make_crc_tables() noexcept {
    std::array<std::array<Reg, 256>, 8> t{};
    for (std::size_t i = 0; i < 256; ++i) {
        Reg c = static_cast<Reg>(i);
        for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ Poly : c >> 1;
        t[0][i] = c;
    }
    for (std::size_t s = 1; s < 8; ++s)
        for (std::size_t i = 0; i < 256; ++i) t[s][i] = (t[s - 1][i] >> 8) ^ t[0][t[s - 1][i] & 0xff];
    return t;
}
template <class Reg, Reg Poly>
inline constexpr std::array<std::array<Reg, 256>, 8> crc_tables = make_crc_tables<Reg, Poly>();

// Continues the raw (inverted) CRC register `reg` over `n` bytes at `p`; returns the raw
// register. The register joins the first bytes of each 8-byte word (all 8 for a 64-bit
// CRC, the first 4 for a 32-bit one), and each byte of the word is looked up in the table
// that carries it to the word's end.
template <class Reg, Reg Poly>
inline Reg crc_slice8(Reg reg, const unsigned char* p, std::size_t n) noexcept {
    const auto& t = crc_tables<Reg, Poly>;
    while (n >= 8) {
        const std::uint64_t w = load_le64(p) ^ reg;
        reg = t[7][w & 0xff] ^ t[6][(w >> 8) & 0xff] ^ t[5][(w >> 16) & 0xff] ^ t[4][(w >> 24) & 0xff] ^
              t[3][(w >> 32) & 0xff] ^ t[2][(w >> 40) & 0xff] ^ t[1][(w >> 48) & 0xff] ^ t[0][w >> 56];
        p += 8;
        n -= 8;
    }
    while (n--) reg = t[0][(reg ^ *p++) & 0xff] ^ (reg >> 8);
    return reg;
}

}  // namespace ossmp::inline v0::detail
