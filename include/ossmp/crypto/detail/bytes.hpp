// ossmp internals: endian loads and stores and rotations for the digest implementations.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>

#include <ossmp/version.hpp>

namespace ossmp::inline v0::detail {

inline std::uint32_t load_le32(const unsigned char* p) noexcept {
    std::uint32_t v;
    std::memcpy(&v, p, 4);
    if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap32(v);
    return v;
}
inline std::uint64_t load_le64(const unsigned char* p) noexcept {
    std::uint64_t v;
    std::memcpy(&v, p, 8);
    if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap64(v);
    return v;
}
inline std::uint32_t load_be32(const unsigned char* p) noexcept {
    std::uint32_t v;
    std::memcpy(&v, p, 4);
    if constexpr (std::endian::native == std::endian::little) v = __builtin_bswap32(v);
    return v;
}
inline void store_le32(unsigned char* p, std::uint32_t v) noexcept {
    if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap32(v);
    std::memcpy(p, &v, 4);
}
inline void store_be32(unsigned char* p, std::uint32_t v) noexcept {
    if constexpr (std::endian::native == std::endian::little) v = __builtin_bswap32(v);
    std::memcpy(p, &v, 4);
}
inline void store_le64(unsigned char* p, std::uint64_t v) noexcept {
    if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap64(v);
    std::memcpy(p, &v, 8);
}
inline void store_be64(unsigned char* p, std::uint64_t v) noexcept {
    if constexpr (std::endian::native == std::endian::little) v = __builtin_bswap64(v);
    std::memcpy(p, &v, 8);
}

// The shared buffering of Merkle-Damgard hashes with 64-byte blocks (MD5, SHA-1,
// SHA-256): `Compress(state, blocks, nblocks)` consumes whole blocks; this keeps the tail.
template <class Derived>
class block_buffer64 {
protected:
    void absorb(const void* data, std::size_t n) noexcept {
        auto p = static_cast<const unsigned char*>(data);
        total_ += n;
        if (fill_ != 0) {
            std::size_t take = 64 - fill_ < n ? 64 - fill_ : n;
            std::memcpy(buf_ + fill_, p, take);
            fill_ += take;
            p += take;
            n -= take;
            if (fill_ < 64) return;
            static_cast<Derived*>(this)->compress(buf_, 1);
            fill_ = 0;
        }
        if (n >= 64) {
            static_cast<Derived*>(this)->compress(p, n / 64);
            p += n / 64 * 64;
            n %= 64;
        }
        if (n) std::memcpy(buf_, p, n);
        fill_ = n;
    }
    // Appends the 0x80 byte, zero padding and the 64-bit bit length (LE or BE).
    void pad(bool big_endian_length) noexcept {
        std::uint64_t bits = total_ * 8;
        buf_[fill_++] = 0x80;
        if (fill_ > 56) {
            std::memset(buf_ + fill_, 0, 64 - fill_);
            static_cast<Derived*>(this)->compress(buf_, 1);
            fill_ = 0;
        }
        std::memset(buf_ + fill_, 0, 56 - fill_);
        if (big_endian_length)
            store_be64(buf_ + 56, bits);
        else
            store_le64(buf_ + 56, bits);
        static_cast<Derived*>(this)->compress(buf_, 1);
        fill_ = 0;
        total_ = 0;
    }

    unsigned char buf_[64]{};
    std::size_t fill_ = 0;
    std::uint64_t total_ = 0;
};

}  // namespace ossmp::inline v0::detail
