// ossmp internals: arithmetic on polynomials over GF(2) modulo a reflected CRC polynomial
// of W = 32 or 64 bits, in the bit order the CRC register uses (bit W-1 is x^0, bit 0 is
// x^(W-1); the x^W term of the polynomial is implicit). One template serves every CRC the
// library computes (CRC-64/XZ, CRC-64/NVME, CRC-32C): it gives the combine functions their
// shift operator and the folding kernels their constants.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include <ossmp/version.hpp>

namespace ossmp::inline v0::detail {

// x^0 in a register of type Reg.
template <class Reg>
inline constexpr Reg crc_one = Reg(1) << (sizeof(Reg) * 8 - 1);

// a * b mod P.
template <class Reg, Reg Poly>
constexpr Reg crc_multmodp(Reg a, Reg b) noexcept {
    Reg m = crc_one<Reg>, p = 0;
    for (;;) {
        if (a & m) {
            p ^= b;
            if ((a & (m - 1)) == 0) break;
        }
        m >>= 1;
        b = (b & 1) ? (b >> 1) ^ Poly : b >> 1;
    }
    return p;
}

// x^(2^k) mod P for k = 0..71; a byte length < 2^64 is a bit length < 2^67, and the folding
// constants need exponents far below that.
template <class Reg, Reg Poly>
constexpr std::array<Reg, 72> make_crc_x2n() noexcept {
    std::array<Reg, 72> t{};
    t[0] = crc_one<Reg> >> 1;  // x^1
    for (std::size_t k = 1; k < t.size(); ++k) t[k] = crc_multmodp<Reg, Poly>(t[k - 1], t[k - 1]);
    return t;
}
template <class Reg, Reg Poly>
inline constexpr std::array<Reg, 72> crc_x2n = make_crc_x2n<Reg, Poly>();

// x^n mod P, one multiplication per set bit of n.
template <class Reg, Reg Poly>
constexpr Reg crc_xpow(std::uint64_t n) noexcept {
    Reg r = crc_one<Reg>;
    for (std::size_t k = 0; n; n >>= 1, ++k)
        if (n & 1) r = crc_multmodp<Reg, Poly>(crc_x2n<Reg, Poly>[k], r);
    return r;
}

// crc(a || b) from crc(a), crc(b) and |b| in bytes (finished values: init and xorout are
// all ones, so they cancel): crc(a) moved past |b| zero bytes, plus crc(b). O(log |b|).
template <class Reg, Reg Poly>
constexpr Reg crc_combine(Reg crc_a, Reg crc_b, std::uint64_t len_b) noexcept {
    if (len_b == 0) return crc_a;
    // x^(8 * len_b) mod P, built from the x^(2^k) table one set bit of len_b at a time.
    Reg xn = crc_one<Reg>;
    for (std::size_t k = 3; len_b; len_b >>= 1, ++k)
        if (len_b & 1) xn = crc_multmodp<Reg, Poly>(crc_x2n<Reg, Poly>[k], xn);
    return crc_multmodp<Reg, Poly>(xn, crc_a) ^ crc_b;
}

// The multipliers that carry a 16-byte block `d` bytes further along the message: its
// first 8 bytes (the x^127..x^64 half) times x^(8d+64), its last 8 bytes times x^(8d). Each
// is divided by x because a carry-less product of two reflected 64-bit values comes out one
// bit shifted, i.e. multiplied by x. The carry-less multiplier takes 64-bit operands, so a
// 32-bit CRC's constants (degree < 32) sit in the top half: the same reflected order, with
// x^0 at bit 63. The fold itself does not depend on the width: it only keeps the message
// congruent mod P, and the table finish reduces it.
struct crc_fold_pair {
    std::uint64_t first;
    std::uint64_t second;
};
template <class Reg, Reg Poly>
constexpr crc_fold_pair crc_fold_constants(std::uint64_t d) noexcept {
    constexpr int up = 64 - int(sizeof(Reg) * 8);
    return {std::uint64_t(crc_xpow<Reg, Poly>(8 * d + 63)) << up, std::uint64_t(crc_xpow<Reg, Poly>(8 * d - 1)) << up};
}
// The same, forced to compile time.
template <class Reg, Reg Poly, std::uint64_t D>
inline constexpr crc_fold_pair crc_fold_k = crc_fold_constants<Reg, Poly>(D);

}  // namespace ossmp::inline v0::detail
