// ossmp internals: the portable SHA-256 block function (FIPS 180-4), used where the CPU
// has no SHA extensions.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <utility>

#include <ossmp/crypto/detail/bytes.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0::detail {

inline constexpr std::uint32_t sha256_k[64] = {
    0x428a2f98u, 0x71374491u, 0xb5c0fbcfu, 0xe9b5dba5u, 0x3956c25bu, 0x59f111f1u, 0x923f82a4u, 0xab1c5ed5u,
    0xd807aa98u, 0x12835b01u, 0x243185beu, 0x550c7dc3u, 0x72be5d74u, 0x80deb1feu, 0x9bdc06a7u, 0xc19bf174u,
    0xe49b69c1u, 0xefbe4786u, 0x0fc19dc6u, 0x240ca1ccu, 0x2de92c6fu, 0x4a7484aau, 0x5cb0a9dcu, 0x76f988dau,
    0x983e5152u, 0xa831c66du, 0xb00327c8u, 0xbf597fc7u, 0xc6e00bf3u, 0xd5a79147u, 0x06ca6351u, 0x14292967u,
    0x27b70a85u, 0x2e1b2138u, 0x4d2c6dfcu, 0x53380d13u, 0x650a7354u, 0x766a0abbu, 0x81c2c92eu, 0x92722c85u,
    0xa2bfe8a1u, 0xa81a664bu, 0xc24b8b70u, 0xc76c51a3u, 0xd192e819u, 0xd6990624u, 0xf40e3585u, 0x106aa070u,
    0x19a4c116u, 0x1e376c08u, 0x2748774cu, 0x34b0bcb5u, 0x391c0cb3u, 0x4ed8aa4au, 0x5b9cca4fu, 0x682e6ff3u,
    0x748f82eeu, 0x78a5636fu, 0x84c87814u, 0x8cc70208u, 0x90befffau, 0xa4506cebu, 0xbef9a3f7u, 0xc67178f2u};

// Round I of 64, fully unrolled by the caller. The eight working variables rotate through
// v rather than being moved: in round I, a is v[-I mod 8], b the next, and so on. The
// message schedule lives in a 16-word ring, expanded as the rounds need it.
template <std::size_t I>
inline void sha256_round(std::uint32_t (&v)[8], std::uint32_t (&w)[16], const unsigned char* p) noexcept {
    constexpr std::size_t a = (64 - I) % 8, b = (a + 1) % 8, c = (a + 2) % 8, d = (a + 3) % 8,
                          e = (a + 4) % 8, f = (a + 5) % 8, g = (a + 6) % 8, h = (a + 7) % 8;
    std::uint32_t x;
    if constexpr (I < 16) {
        x = w[I] = load_be32(p + 4 * I);
    } else {
        const std::uint32_t w15 = w[(I - 15) % 16], w2 = w[(I - 2) % 16];
        const std::uint32_t s0 = std::rotr(w15, 7) ^ std::rotr(w15, 18) ^ (w15 >> 3);
        const std::uint32_t s1 = std::rotr(w2, 17) ^ std::rotr(w2, 19) ^ (w2 >> 10);
        x = w[I % 16] += s0 + w[(I - 7) % 16] + s1;
    }
    const std::uint32_t t1 = v[h] + (std::rotr(v[e], 6) ^ std::rotr(v[e], 11) ^ std::rotr(v[e], 25)) +
                             (v[g] ^ (v[e] & (v[f] ^ v[g]))) + sha256_k[I] + x;
    // Majority; the two terms never share a bit, so + is | and they may be summed in any order.
    const std::uint32_t t2 = (std::rotr(v[a], 2) ^ std::rotr(v[a], 13) ^ std::rotr(v[a], 22)) +
                             ((v[a] & v[b]) + (v[c] & (v[a] ^ v[b])));
    v[d] += t1;
    v[h] = t1 + t2;
}

template <std::size_t... I>
inline void sha256_rounds(std::uint32_t (&v)[8], std::uint32_t (&w)[16], const unsigned char* p,
                          std::index_sequence<I...>) noexcept {
    (sha256_round<I>(v, w, p), ...);
}

// Runs `blocks` 64-byte blocks at `p` through the state s[0..7].
inline void sha256_compress_portable(std::uint32_t* s, const unsigned char* p, std::size_t blocks) noexcept {
    for (; blocks; --blocks, p += 64) {
        std::uint32_t v[8] = {s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]};
        std::uint32_t w[16];
        sha256_rounds(v, w, p, std::make_index_sequence<64>{});
        for (int i = 0; i < 8; ++i) s[i] += v[i];
    }
}

}  // namespace ossmp::inline v0::detail
