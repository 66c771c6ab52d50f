// ossmp: SHA-1 (FIPS 180-4), the digest under HMAC-SHA1 for OSS V1 signatures.
#pragma once

#include <array>
#include <bit>
#include <cstdint>
#include <string_view>

#include <ossmp/crypto/detail/bytes.hpp>
#include <ossmp/crypto/detail/sha1_kernels.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

/// Streaming SHA-1: `update()` any number of times, then `final()`, which returns the
/// digest and resets the object for a new message.
class sha1 : private detail::block_buffer64<sha1> {
    friend class detail::block_buffer64<sha1>;

public:
    static constexpr std::size_t digest_size = 20;
    static constexpr std::size_t block_size = 64;
    using digest_type = std::array<std::uint8_t, digest_size>;

    sha1() noexcept { reset(); }

    /// Starts a new message.
    void reset() noexcept {
        s_[0] = 0x67452301u;
        s_[1] = 0xefcdab89u;
        s_[2] = 0x98badcfeu;
        s_[3] = 0x10325476u;
        s_[4] = 0xc3d2e1f0u;
        fill_ = 0;
        total_ = 0;
    }
    /// Adds `n` bytes at `data` to the message.
    sha1& update(const void* data, std::size_t n) noexcept {
        absorb(data, n);
        return *this;
    }
    sha1& update(std::string_view s) noexcept { return update(s.data(), s.size()); }

    /// The digest of everything added since the last reset; then resets.
    digest_type final() noexcept {
        pad(true);
        digest_type d;
        for (int i = 0; i < 5; ++i) detail::store_be32(d.data() + 4 * i, s_[i]);
        reset();
        return d;
    }

    /// One-shot digest of a buffer.
    static digest_type hash(const void* data, std::size_t n) noexcept {
        sha1 h;
        h.update(data, n);
        return h.final();
    }
    static digest_type hash(std::string_view s) noexcept { return hash(s.data(), s.size()); }

private:
    void compress(const unsigned char* p, std::size_t blocks) noexcept {
        detail::sha1_best_kernel()(s_, p, blocks);
    }

    std::uint32_t s_[5];
};

}  // namespace ossmp::inline v0
