// ossmp: MD5 (RFC 1321). OSS uses it for Content-MD5 and part ETags; it is not used for
// any security decision here.
#pragma once

#include <array>
#include <bit>
#include <cstdint>
#include <string_view>

#include <ossmp/crypto/detail/bytes.hpp>
#include <ossmp/crypto/detail/prefetch.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

namespace detail {
// The 64 round constants, floor(abs(sin(i + 1)) * 2^32), in step order.
inline constexpr std::uint32_t md5_round_constants[64] = {
    0xd76aa478u, 0xe8c7b756u, 0x242070dbu, 0xc1bdceeeu, 0xf57c0fafu, 0x4787c62au,
    0xa8304613u, 0xfd469501u, 0x698098d8u, 0x8b44f7afu, 0xffff5bb1u, 0x895cd7beu,
    0x6b901122u, 0xfd987193u, 0xa679438eu, 0x49b40821u, 0xf61e2562u, 0xc040b340u,
    0x265e5a51u, 0xe9b6c7aau, 0xd62f105du, 0x02441453u, 0xd8a1e681u, 0xe7d3fbc8u,
    0x21e1cde6u, 0xc33707d6u, 0xf4d50d87u, 0x455a14edu, 0xa9e3e905u, 0xfcefa3f8u,
    0x676f02d9u, 0x8d2a4c8au, 0xfffa3942u, 0x8771f681u, 0x6d9d6122u, 0xfde5380cu,
    0xa4beea44u, 0x4bdecfa9u, 0xf6bb4b60u, 0xbebfbc70u, 0x289b7ec6u, 0xeaa127fau,
    0xd4ef3085u, 0x04881d05u, 0xd9d4d039u, 0xe6db99e5u, 0x1fa27cf8u, 0xc4ac5665u,
    0xf4292244u, 0x432aff97u, 0xab9423a7u, 0xfc93a039u, 0x655b59c3u, 0x8f0ccc92u,
    0xffeff47du, 0x85845dd1u, 0x6fa87e4fu, 0xfe2ce6e0u, 0xa3014314u, 0x4e0811a1u,
    0xf7537e82u, 0xbd3af235u, 0x2ad7d2bbu, 0xeb86d391u};
// The same table behind a pointer the optimizer cannot see through. With the constants as
// immediates clang reassociates each step's sum so the immediate is added last, after the
// round function, putting an extra add on MD5's critical path in every step (0.86x
// OpenSSL's assembly with clang 14 versus 1.03x through the pointer; g++ is unaffected).
// Reading the pointer costs one load per compress call.
inline const std::uint32_t* const volatile md5_round_constants_opaque = md5_round_constants;
}  // namespace detail

/// Streaming MD5: `update()` any number of times, then `final()`, which returns the digest
/// and resets the object for a new message.
class md5 : private detail::block_buffer64<md5> {
    friend class detail::block_buffer64<md5>;

public:
    static constexpr std::size_t digest_size = 16;
    static constexpr std::size_t block_size = 64;
    using digest_type = std::array<std::uint8_t, digest_size>;

    md5() noexcept { reset(); }

    /// Starts a new message.
    void reset() noexcept {
        s_[0] = 0x67452301u;
        s_[1] = 0xefcdab89u;
        s_[2] = 0x98badcfeu;
        s_[3] = 0x10325476u;
        fill_ = 0;
        total_ = 0;
    }
    /// Adds `n` bytes at `data` to the message.
    md5& update(const void* data, std::size_t n) noexcept {
        absorb(data, n);
        return *this;
    }
    md5& update(std::string_view s) noexcept { return update(s.data(), s.size()); }

    /// The digest of everything added since the last reset; then resets.
    digest_type final() noexcept {
        pad(false);
        digest_type d;
        for (int i = 0; i < 4; ++i) detail::store_le32(d.data() + 4 * i, s_[i]);
        reset();
        return d;
    }

    /// One-shot digest of a buffer.
    static digest_type hash(const void* data, std::size_t n) noexcept {
        md5 h;
        h.update(data, n);
        return h.final();
    }
    static digest_type hash(std::string_view s) noexcept { return hash(s.data(), s.size()); }

private:
    void compress(const unsigned char* p, std::size_t blocks) noexcept {
        // See md5_round_constants_opaque: plain loads, not immediates.
        const std::uint32_t* const t = detail::md5_round_constants_opaque;
        std::uint32_t a0 = s_[0], b0 = s_[1], c0 = s_[2], d0 = s_[3];
        for (; blocks; --blocks, p += 64) {
            // Without it, hashing from DRAM ran 8-10 % below the in-cache speed; this halves
            // the gap.
            detail::prefetch(p, 1024);
            std::uint32_t m[16];
            for (int i = 0; i < 16; ++i) m[i] = detail::load_le32(p + 4 * i);
            std::uint32_t a = a0, b = b0, c = c0, d = d0;
            // MD5 is one long dependency chain through a, b, c, d, so each step is written
            // to keep it short: everything that does not depend on b, the value the
            // previous step just produced, is summed first (a + message + constant, and
            // in G the c & ~d half), and b enters through as few operations as possible.
            // G uses (b & d) + (c & ~d): the two halves never share a bit, so + equals |,
            // and the + lets the c & ~d half join the early sum.
#define OSSMP_MD5_F(a, b, c, d, x, k, s) \
    a = std::rotl(a + (x) + (k) + ((d) ^ ((b) & ((c) ^ (d)))), s) + (b)
#define OSSMP_MD5_G(a, b, c, d, x, k, s) \
    a = std::rotl(a + (x) + (k) + ((c) & ~(d)) + ((b) & (d)), s) + (b)
#define OSSMP_MD5_H(a, b, c, d, x, k, s) \
    a = std::rotl(a + (x) + (k) + ((b) ^ ((c) ^ (d))), s) + (b)
#define OSSMP_MD5_I(a, b, c, d, x, k, s) \
    a = std::rotl(a + (x) + (k) + ((c) ^ ((b) | ~(d))), s) + (b)
            OSSMP_MD5_F(a, b, c, d, m[0], t[0], 7);
            OSSMP_MD5_F(d, a, b, c, m[1], t[1], 12);
            OSSMP_MD5_F(c, d, a, b, m[2], t[2], 17);
            OSSMP_MD5_F(b, c, d, a, m[3], t[3], 22);
            OSSMP_MD5_F(a, b, c, d, m[4], t[4], 7);
            OSSMP_MD5_F(d, a, b, c, m[5], t[5], 12);
            OSSMP_MD5_F(c, d, a, b, m[6], t[6], 17);
            OSSMP_MD5_F(b, c, d, a, m[7], t[7], 22);
            OSSMP_MD5_F(a, b, c, d, m[8], t[8], 7);
            OSSMP_MD5_F(d, a, b, c, m[9], t[9], 12);
            OSSMP_MD5_F(c, d, a, b, m[10], t[10], 17);
            OSSMP_MD5_F(b, c, d, a, m[11], t[11], 22);
            OSSMP_MD5_F(a, b, c, d, m[12], t[12], 7);
            OSSMP_MD5_F(d, a, b, c, m[13], t[13], 12);
            OSSMP_MD5_F(c, d, a, b, m[14], t[14], 17);
            OSSMP_MD5_F(b, c, d, a, m[15], t[15], 22);

            OSSMP_MD5_G(a, b, c, d, m[1], t[16], 5);
            OSSMP_MD5_G(d, a, b, c, m[6], t[17], 9);
            OSSMP_MD5_G(c, d, a, b, m[11], t[18], 14);
            OSSMP_MD5_G(b, c, d, a, m[0], t[19], 20);
            OSSMP_MD5_G(a, b, c, d, m[5], t[20], 5);
            OSSMP_MD5_G(d, a, b, c, m[10], t[21], 9);
            OSSMP_MD5_G(c, d, a, b, m[15], t[22], 14);
            OSSMP_MD5_G(b, c, d, a, m[4], t[23], 20);
            OSSMP_MD5_G(a, b, c, d, m[9], t[24], 5);
            OSSMP_MD5_G(d, a, b, c, m[14], t[25], 9);
            OSSMP_MD5_G(c, d, a, b, m[3], t[26], 14);
            OSSMP_MD5_G(b, c, d, a, m[8], t[27], 20);
            OSSMP_MD5_G(a, b, c, d, m[13], t[28], 5);
            OSSMP_MD5_G(d, a, b, c, m[2], t[29], 9);
            OSSMP_MD5_G(c, d, a, b, m[7], t[30], 14);
            OSSMP_MD5_G(b, c, d, a, m[12], t[31], 20);

            OSSMP_MD5_H(a, b, c, d, m[5], t[32], 4);
            OSSMP_MD5_H(d, a, b, c, m[8], t[33], 11);
            OSSMP_MD5_H(c, d, a, b, m[11], t[34], 16);
            OSSMP_MD5_H(b, c, d, a, m[14], t[35], 23);
            OSSMP_MD5_H(a, b, c, d, m[1], t[36], 4);
            OSSMP_MD5_H(d, a, b, c, m[4], t[37], 11);
            OSSMP_MD5_H(c, d, a, b, m[7], t[38], 16);
            OSSMP_MD5_H(b, c, d, a, m[10], t[39], 23);
            OSSMP_MD5_H(a, b, c, d, m[13], t[40], 4);
            OSSMP_MD5_H(d, a, b, c, m[0], t[41], 11);
            OSSMP_MD5_H(c, d, a, b, m[3], t[42], 16);
            OSSMP_MD5_H(b, c, d, a, m[6], t[43], 23);
            OSSMP_MD5_H(a, b, c, d, m[9], t[44], 4);
            OSSMP_MD5_H(d, a, b, c, m[12], t[45], 11);
            OSSMP_MD5_H(c, d, a, b, m[15], t[46], 16);
            OSSMP_MD5_H(b, c, d, a, m[2], t[47], 23);

            OSSMP_MD5_I(a, b, c, d, m[0], t[48], 6);
            OSSMP_MD5_I(d, a, b, c, m[7], t[49], 10);
            OSSMP_MD5_I(c, d, a, b, m[14], t[50], 15);
            OSSMP_MD5_I(b, c, d, a, m[5], t[51], 21);
            OSSMP_MD5_I(a, b, c, d, m[12], t[52], 6);
            OSSMP_MD5_I(d, a, b, c, m[3], t[53], 10);
            OSSMP_MD5_I(c, d, a, b, m[10], t[54], 15);
            OSSMP_MD5_I(b, c, d, a, m[1], t[55], 21);
            OSSMP_MD5_I(a, b, c, d, m[8], t[56], 6);
            OSSMP_MD5_I(d, a, b, c, m[15], t[57], 10);
            OSSMP_MD5_I(c, d, a, b, m[6], t[58], 15);
            OSSMP_MD5_I(b, c, d, a, m[13], t[59], 21);
            OSSMP_MD5_I(a, b, c, d, m[4], t[60], 6);
            OSSMP_MD5_I(d, a, b, c, m[11], t[61], 10);
            OSSMP_MD5_I(c, d, a, b, m[2], t[62], 15);
            OSSMP_MD5_I(b, c, d, a, m[9], t[63], 21);
#undef OSSMP_MD5_F
#undef OSSMP_MD5_G
#undef OSSMP_MD5_H
#undef OSSMP_MD5_I
            a0 += a;
            b0 += b;
            c0 += c;
            d0 += d;
        }
        s_[0] = a0;
        s_[1] = b0;
        s_[2] = c0;
        s_[3] = d0;
    }

    std::uint32_t s_[4];
};

}  // namespace ossmp::inline v0
