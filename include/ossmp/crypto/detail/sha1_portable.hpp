// ossmp internals: the portable SHA-1 block function (FIPS 180-4), used where the CPU has
// no SHA extensions.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <utility>

#include <ossmp/crypto/detail/bytes.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0::detail {

// Round I of 80, fully unrolled by the caller. The five working variables rotate through
// v rather than being moved: in round I, a is v[-I mod 5], b the next, and so on. The
// message schedule lives in a 16-word ring, expanded as the rounds need it.
template <std::size_t I>
inline void sha1_round(std::uint32_t (&v)[5], std::uint32_t (&w)[16], const unsigned char* p) noexcept {
    constexpr std::size_t a = (80 - I) % 5, b = (a + 1) % 5, c = (a + 2) % 5, d = (a + 3) % 5,
                          e = (a + 4) % 5;
    std::uint32_t x;
    if constexpr (I < 16)
        x = w[I] = load_be32(p + 4 * I);
    else
        x = w[I % 16] = std::rotl(w[(I - 3) % 16] ^ w[(I - 8) % 16] ^ w[(I - 14) % 16] ^ w[I % 16], 1);
    std::uint32_t f, k;
    if constexpr (I < 20) {
        f = v[d] ^ (v[b] & (v[c] ^ v[d]));
        k = 0x5a827999u;
    } else if constexpr (I < 40) {
        f = v[b] ^ v[c] ^ v[d];
        k = 0x6ed9eba1u;
    } else if constexpr (I < 60) {
        // Majority; the two terms never share a bit, so + is |, and lets them be summed in
        // any order.
        f = (v[b] & v[c]) + (v[d] & (v[b] ^ v[c]));
        k = 0x8f1bbcdcu;
    } else {
        f = v[b] ^ v[c] ^ v[d];
        k = 0xca62c1d6u;
    }
    v[e] += std::rotl(v[a], 5) + f + k + x;
    v[b] = std::rotl(v[b], 30);
}

template <std::size_t... I>
inline void sha1_rounds(std::uint32_t (&v)[5], std::uint32_t (&w)[16], const unsigned char* p,
                        std::index_sequence<I...>) noexcept {
    (sha1_round<I>(v, w, p), ...);
}

// Runs `blocks` 64-byte blocks at `p` through the state s[0..4].
inline void sha1_compress_portable(std::uint32_t* s, const unsigned char* p, std::size_t blocks) noexcept {
    for (; blocks; --blocks, p += 64) {
        std::uint32_t v[5] = {s[0], s[1], s[2], s[3], s[4]};
        std::uint32_t w[16];
        sha1_rounds(v, w, p, std::make_index_sequence<80>{});
        for (int i = 0; i < 5; ++i) s[i] += v[i];
    }
}

}  // namespace ossmp::inline v0::detail
