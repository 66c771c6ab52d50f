// ossmp: SHA-256 (FIPS 180-4), the digest under OSS V4 signatures (canonical request hash
// and HMAC-SHA256).
#pragma once

#include <array>
#include <bit>
#include <cstdint>
#include <string_view>

#include <ossmp/crypto/detail/bytes.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

namespace detail {
inline constexpr std::uint32_t sha256_k[64] = {
    0x428a2f98u, 0x71374491u, 0xb5c0fbcfu, 0xe9b5dba5u, 0x3956c25bu, 0x59f111f1u, 0x923f82a4u,
    0xab1c5ed5u, 0xd807aa98u, 0x12835b01u, 0x243185beu, 0x550c7dc3u, 0x72be5d74u, 0x80deb1feu,
    0x9bdc06a7u, 0xc19bf174u, 0xe49b69c1u, 0xefbe4786u, 0x0fc19dc6u, 0x240ca1ccu, 0x2de92c6fu,
    0x4a7484aau, 0x5cb0a9dcu, 0x76f988dau, 0x983e5152u, 0xa831c66du, 0xb00327c8u, 0xbf597fc7u,
    0xc6e00bf3u, 0xd5a79147u, 0x06ca6351u, 0x14292967u, 0x27b70a85u, 0x2e1b2138u, 0x4d2c6dfcu,
    0x53380d13u, 0x650a7354u, 0x766a0abbu, 0x81c2c92eu, 0x92722c85u, 0xa2bfe8a1u, 0xa81a664bu,
    0xc24b8b70u, 0xc76c51a3u, 0xd192e819u, 0xd6990624u, 0xf40e3585u, 0x106aa070u, 0x19a4c116u,
    0x1e376c08u, 0x2748774cu, 0x34b0bcb5u, 0x391c0cb3u, 0x4ed8aa4au, 0x5b9cca4fu, 0x682e6ff3u,
    0x748f82eeu, 0x78a5636fu, 0x84c87814u, 0x8cc70208u, 0x90befffau, 0xa4506cebu, 0xbef9a3f7u,
    0xc67178f2u};
}  // namespace detail

/// Streaming SHA-256: `update()` any number of times, then `final()`, which returns the
/// digest and resets the object for a new message.
class sha256 : private detail::block_buffer64<sha256> {
    friend class detail::block_buffer64<sha256>;

public:
    static constexpr std::size_t digest_size = 32;
    static constexpr std::size_t block_size = 64;
    using digest_type = std::array<std::uint8_t, digest_size>;

    sha256() noexcept { reset(); }

    /// Starts a new message.
    void reset() noexcept {
        static constexpr std::uint32_t iv[8] = {0x6a09e667u, 0xbb67ae85u, 0x3c6ef372u,
                                                0xa54ff53au, 0x510e527fu, 0x9b05688cu,
                                                0x1f83d9abu, 0x5be0cd19u};
        for (int i = 0; i < 8; ++i) s_[i] = iv[i];
        fill_ = 0;
        total_ = 0;
    }
    /// Adds `n` bytes at `data` to the message.
    sha256& update(const void* data, std::size_t n) noexcept {
        absorb(data, n);
        return *this;
    }
    sha256& update(std::string_view s) noexcept { return update(s.data(), s.size()); }

    /// The digest of everything added since the last reset; then resets.
    digest_type final() noexcept {
        pad(true);
        digest_type d;
        for (int i = 0; i < 8; ++i) detail::store_be32(d.data() + 4 * i, s_[i]);
        reset();
        return d;
    }

    /// One-shot digest of a buffer.
    static digest_type hash(const void* data, std::size_t n) noexcept {
        sha256 h;
        h.update(data, n);
        return h.final();
    }
    static digest_type hash(std::string_view s) noexcept { return hash(s.data(), s.size()); }

private:
    void compress(const unsigned char* p, std::size_t blocks) noexcept {
        for (; blocks; --blocks, p += 64) {
            std::uint32_t w[64];
            for (int i = 0; i < 16; ++i) w[i] = detail::load_be32(p + 4 * i);
            for (int i = 16; i < 64; ++i) {
                std::uint32_t s0 = std::rotr(w[i - 15], 7) ^ std::rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
                std::uint32_t s1 = std::rotr(w[i - 2], 17) ^ std::rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
                w[i] = w[i - 16] + s0 + w[i - 7] + s1;
            }
            std::uint32_t a = s_[0], b = s_[1], c = s_[2], d = s_[3], e = s_[4], f = s_[5],
                          g = s_[6], h = s_[7];
            for (int i = 0; i < 64; ++i) {
                std::uint32_t S1 = std::rotr(e, 6) ^ std::rotr(e, 11) ^ std::rotr(e, 25);
                std::uint32_t ch = g ^ (e & (f ^ g));
                std::uint32_t t1 = h + S1 + ch + detail::sha256_k[i] + w[i];
                std::uint32_t S0 = std::rotr(a, 2) ^ std::rotr(a, 13) ^ std::rotr(a, 22);
                std::uint32_t maj = (a & b) | (c & (a | b));
                std::uint32_t t2 = S0 + maj;
                h = g;
                g = f;
                f = e;
                e = d + t1;
                d = c;
                c = b;
                b = a;
                a = t1 + t2;
            }
            s_[0] += a;
            s_[1] += b;
            s_[2] += c;
            s_[3] += d;
            s_[4] += e;
            s_[5] += f;
            s_[6] += g;
            s_[7] += h;
        }
    }

    std::uint32_t s_[8];
};

}  // namespace ossmp::inline v0
