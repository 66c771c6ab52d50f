// ossmp: MD5 (RFC 1321). OSS uses it for Content-MD5 and part ETags; it is not used for
// any security decision here.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include <ossmp/crypto/detail/bytes.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

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
        std::uint32_t a0 = s_[0], b0 = s_[1], c0 = s_[2], d0 = s_[3];
        for (; blocks; --blocks, p += 64) {
            std::uint32_t m[16];
            for (int i = 0; i < 16; ++i) m[i] = detail::load_le32(p + 4 * i);
            std::uint32_t a = a0, b = b0, c = c0, d = d0;
#define OSSMP_MD5_STEP(f, a, b, c, d, x, t, s) \
    a += f(b, c, d) + x + t;                   \
    a = std::rotl(a, s) + b
#define OSSMP_MD5_F(x, y, z) ((z) ^ ((x) & ((y) ^ (z))))
#define OSSMP_MD5_G(x, y, z) ((y) ^ ((z) & ((x) ^ (y))))
#define OSSMP_MD5_H(x, y, z) ((x) ^ (y) ^ (z))
#define OSSMP_MD5_I(x, y, z) ((y) ^ ((x) | ~(z)))
            OSSMP_MD5_STEP(OSSMP_MD5_F, a, b, c, d, m[0], 0xd76aa478u, 7);
            OSSMP_MD5_STEP(OSSMP_MD5_F, d, a, b, c, m[1], 0xe8c7b756u, 12);
            OSSMP_MD5_STEP(OSSMP_MD5_F, c, d, a, b, m[2], 0x242070dbu, 17);
            OSSMP_MD5_STEP(OSSMP_MD5_F, b, c, d, a, m[3], 0xc1bdceeeu, 22);
            OSSMP_MD5_STEP(OSSMP_MD5_F, a, b, c, d, m[4], 0xf57c0fafu, 7);
            OSSMP_MD5_STEP(OSSMP_MD5_F, d, a, b, c, m[5], 0x4787c62au, 12);
            OSSMP_MD5_STEP(OSSMP_MD5_F, c, d, a, b, m[6], 0xa8304613u, 17);
            OSSMP_MD5_STEP(OSSMP_MD5_F, b, c, d, a, m[7], 0xfd469501u, 22);
            OSSMP_MD5_STEP(OSSMP_MD5_F, a, b, c, d, m[8], 0x698098d8u, 7);
            OSSMP_MD5_STEP(OSSMP_MD5_F, d, a, b, c, m[9], 0x8b44f7afu, 12);
            OSSMP_MD5_STEP(OSSMP_MD5_F, c, d, a, b, m[10], 0xffff5bb1u, 17);
            OSSMP_MD5_STEP(OSSMP_MD5_F, b, c, d, a, m[11], 0x895cd7beu, 22);
            OSSMP_MD5_STEP(OSSMP_MD5_F, a, b, c, d, m[12], 0x6b901122u, 7);
            OSSMP_MD5_STEP(OSSMP_MD5_F, d, a, b, c, m[13], 0xfd987193u, 12);
            OSSMP_MD5_STEP(OSSMP_MD5_F, c, d, a, b, m[14], 0xa679438eu, 17);
            OSSMP_MD5_STEP(OSSMP_MD5_F, b, c, d, a, m[15], 0x49b40821u, 22);

            OSSMP_MD5_STEP(OSSMP_MD5_G, a, b, c, d, m[1], 0xf61e2562u, 5);
            OSSMP_MD5_STEP(OSSMP_MD5_G, d, a, b, c, m[6], 0xc040b340u, 9);
            OSSMP_MD5_STEP(OSSMP_MD5_G, c, d, a, b, m[11], 0x265e5a51u, 14);
            OSSMP_MD5_STEP(OSSMP_MD5_G, b, c, d, a, m[0], 0xe9b6c7aau, 20);
            OSSMP_MD5_STEP(OSSMP_MD5_G, a, b, c, d, m[5], 0xd62f105du, 5);
            OSSMP_MD5_STEP(OSSMP_MD5_G, d, a, b, c, m[10], 0x02441453u, 9);
            OSSMP_MD5_STEP(OSSMP_MD5_G, c, d, a, b, m[15], 0xd8a1e681u, 14);
            OSSMP_MD5_STEP(OSSMP_MD5_G, b, c, d, a, m[4], 0xe7d3fbc8u, 20);
            OSSMP_MD5_STEP(OSSMP_MD5_G, a, b, c, d, m[9], 0x21e1cde6u, 5);
            OSSMP_MD5_STEP(OSSMP_MD5_G, d, a, b, c, m[14], 0xc33707d6u, 9);
            OSSMP_MD5_STEP(OSSMP_MD5_G, c, d, a, b, m[3], 0xf4d50d87u, 14);
            OSSMP_MD5_STEP(OSSMP_MD5_G, b, c, d, a, m[8], 0x455a14edu, 20);
            OSSMP_MD5_STEP(OSSMP_MD5_G, a, b, c, d, m[13], 0xa9e3e905u, 5);
            OSSMP_MD5_STEP(OSSMP_MD5_G, d, a, b, c, m[2], 0xfcefa3f8u, 9);
            OSSMP_MD5_STEP(OSSMP_MD5_G, c, d, a, b, m[7], 0x676f02d9u, 14);
            OSSMP_MD5_STEP(OSSMP_MD5_G, b, c, d, a, m[12], 0x8d2a4c8au, 20);

            OSSMP_MD5_STEP(OSSMP_MD5_H, a, b, c, d, m[5], 0xfffa3942u, 4);
            OSSMP_MD5_STEP(OSSMP_MD5_H, d, a, b, c, m[8], 0x8771f681u, 11);
            OSSMP_MD5_STEP(OSSMP_MD5_H, c, d, a, b, m[11], 0x6d9d6122u, 16);
            OSSMP_MD5_STEP(OSSMP_MD5_H, b, c, d, a, m[14], 0xfde5380cu, 23);
            OSSMP_MD5_STEP(OSSMP_MD5_H, a, b, c, d, m[1], 0xa4beea44u, 4);
            OSSMP_MD5_STEP(OSSMP_MD5_H, d, a, b, c, m[4], 0x4bdecfa9u, 11);
            OSSMP_MD5_STEP(OSSMP_MD5_H, c, d, a, b, m[7], 0xf6bb4b60u, 16);
            OSSMP_MD5_STEP(OSSMP_MD5_H, b, c, d, a, m[10], 0xbebfbc70u, 23);
            OSSMP_MD5_STEP(OSSMP_MD5_H, a, b, c, d, m[13], 0x289b7ec6u, 4);
            OSSMP_MD5_STEP(OSSMP_MD5_H, d, a, b, c, m[0], 0xeaa127fau, 11);
            OSSMP_MD5_STEP(OSSMP_MD5_H, c, d, a, b, m[3], 0xd4ef3085u, 16);
            OSSMP_MD5_STEP(OSSMP_MD5_H, b, c, d, a, m[6], 0x04881d05u, 23);
            OSSMP_MD5_STEP(OSSMP_MD5_H, a, b, c, d, m[9], 0xd9d4d039u, 4);
            OSSMP_MD5_STEP(OSSMP_MD5_H, d, a, b, c, m[12], 0xe6db99e5u, 11);
            OSSMP_MD5_STEP(OSSMP_MD5_H, c, d, a, b, m[15], 0x1fa27cf8u, 16);
            OSSMP_MD5_STEP(OSSMP_MD5_H, b, c, d, a, m[2], 0xc4ac5665u, 23);

            OSSMP_MD5_STEP(OSSMP_MD5_I, a, b, c, d, m[0], 0xf4292244u, 6);
            OSSMP_MD5_STEP(OSSMP_MD5_I, d, a, b, c, m[7], 0x432aff97u, 10);
            OSSMP_MD5_STEP(OSSMP_MD5_I, c, d, a, b, m[14], 0xab9423a7u, 15);
            OSSMP_MD5_STEP(OSSMP_MD5_I, b, c, d, a, m[5], 0xfc93a039u, 21);
            OSSMP_MD5_STEP(OSSMP_MD5_I, a, b, c, d, m[12], 0x655b59c3u, 6);
            OSSMP_MD5_STEP(OSSMP_MD5_I, d, a, b, c, m[3], 0x8f0ccc92u, 10);
            OSSMP_MD5_STEP(OSSMP_MD5_I, c, d, a, b, m[10], 0xffeff47du, 15);
            OSSMP_MD5_STEP(OSSMP_MD5_I, b, c, d, a, m[1], 0x85845dd1u, 21);
            OSSMP_MD5_STEP(OSSMP_MD5_I, a, b, c, d, m[8], 0x6fa87e4fu, 6);
            OSSMP_MD5_STEP(OSSMP_MD5_I, d, a, b, c, m[15], 0xfe2ce6e0u, 10);
            OSSMP_MD5_STEP(OSSMP_MD5_I, c, d, a, b, m[6], 0xa3014314u, 15);
            OSSMP_MD5_STEP(OSSMP_MD5_I, b, c, d, a, m[13], 0x4e0811a1u, 21);
            OSSMP_MD5_STEP(OSSMP_MD5_I, a, b, c, d, m[4], 0xf7537e82u, 6);
            OSSMP_MD5_STEP(OSSMP_MD5_I, d, a, b, c, m[11], 0xbd3af235u, 10);
            OSSMP_MD5_STEP(OSSMP_MD5_I, c, d, a, b, m[2], 0x2ad7d2bbu, 15);
            OSSMP_MD5_STEP(OSSMP_MD5_I, b, c, d, a, m[9], 0xeb86d391u, 21);
#undef OSSMP_MD5_STEP
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
