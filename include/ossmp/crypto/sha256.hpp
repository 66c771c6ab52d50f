// ossmp: SHA-256 (FIPS 180-4), the digest under OSS V4 signatures (canonical request hash
// and HMAC-SHA256).
#pragma once

#include <array>
#include <bit>
#include <cstdint>
#include <string_view>

#include <ossmp/crypto/detail/bytes.hpp>
#include <ossmp/crypto/detail/sha256_kernels.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

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
        detail::sha256_best_kernel()(s_, p, blocks);
    }

    std::uint32_t s_[8];
};

}  // namespace ossmp::inline v0
