// ossmp internals: arithmetic on polynomials over GF(2) modulo the CRC-64/XZ polynomial, in
// the reflected bit order the CRC register uses (bit 63 is x^0, bit 0 is x^63). It gives
// crc64_combine its shift operator and the folding kernels their constants.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include <ossmp/version.hpp>

namespace ossmp::inline v0::detail {

// ECMA-182 polynomial 0x42F0E1EBA9EA3693, reflected; the x^64 term is implicit.
inline constexpr std::uint64_t crc64_poly = 0xC96C5795D7870F42ull;

// a * b mod P.
constexpr std::uint64_t crc64_multmodp(std::uint64_t a, std::uint64_t b) noexcept {
    std::uint64_t m = 1ull << 63, p = 0;
    for (;;) {
        if (a & m) {
            p ^= b;
            if ((a & (m - 1)) == 0) break;
        }
        m >>= 1;
        b = (b & 1) ? (b >> 1) ^ crc64_poly : b >> 1;
    }
    return p;
}

// x^(2^k) mod P for k = 0..71; a byte length < 2^64 is a bit length < 2^67, and the folding
// constants need exponents far below that.
constexpr std::array<std::uint64_t, 72> make_crc64_x2n() noexcept {
    std::array<std::uint64_t, 72> t{};
    t[0] = 1ull << 62;  // x^1
    for (std::size_t k = 1; k < t.size(); ++k) t[k] = crc64_multmodp(t[k - 1], t[k - 1]);
    return t;
}
inline constexpr std::array<std::uint64_t, 72> crc64_x2n = make_crc64_x2n();

// x^n mod P, one multiplication per set bit of n.
constexpr std::uint64_t crc64_xpow(std::uint64_t n) noexcept {
    std::uint64_t r = 1ull << 63;  // x^0
    for (std::size_t k = 0; n; n >>= 1, ++k)
        if (n & 1) r = crc64_multmodp(crc64_x2n[k], r);
    return r;
}

// The multipliers that carry a 16-byte block `d` bytes further along the message: its
// first 8 bytes (the x^127..x^64 half) times x^(8d+64), its last 8 bytes times x^(8d). Each
// is divided by x because a carry-less product of two reflected values comes out one bit
// shifted, i.e. multiplied by x.
struct crc64_fold_pair {
    std::uint64_t first;
    std::uint64_t second;
};
constexpr crc64_fold_pair crc64_fold_constants(std::uint64_t d) noexcept {
    return {crc64_xpow(8 * d + 63), crc64_xpow(8 * d - 1)};
}
// The same, forced to compile time.
template <std::uint64_t D>
inline constexpr crc64_fold_pair crc64_fold_k = crc64_fold_constants(D);

}  // namespace ossmp::inline v0::detail
