// ossmp: CRC-64/XZ, the checksum OSS calls crc64ecma (x-oss-hash-crc64ecma).
//
// Parameters: ECMA-182 polynomial 0x42F0E1EBA9EA3693 (reflected 0xC96C5795D7870F42),
// reflected input and output, init and xorout all ones. The API follows the OSS SDKs: a
// CRC value is always the finished value of the bytes so far, 0 for no bytes, and
// `crc64_update(previous, data)` continues it, so update(update(0, a), b) == crc(a || b).
// `crc64_combine(crc(a), crc(b), len(b)) == crc(a || b)` lets parts be checksummed
// independently and folded into the object's CRC.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include <ossmp/crypto/detail/crc64_gf2.hpp>
#include <ossmp/crypto/detail/crc64_kernels.hpp>
#include <ossmp/crypto/detail/crc64_slice8.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

/// Continues `crc` (the CRC-64 of earlier bytes, 0 for none) over `n` bytes at `data` and
/// returns the CRC-64 of all of them. On x86 CPUs with PCLMULQDQ (or VPCLMULQDQ with AVX2
/// or AVX-512) a folding kernel chosen at first use does the work, at tens of GB/s; elsewhere,
/// and for inputs under 32 bytes, a portable slicing-by-8 table.
inline std::uint64_t crc64_update(std::uint64_t crc, const void* data, std::size_t n) noexcept {
    auto p = static_cast<const unsigned char*>(data);
    if (n < detail::crc64_fold_min_bytes) return ~detail::crc64_slice8(~crc, p, n);
    return ~detail::crc64_best_kernel()(~crc, p, n);
}
/// Continues `crc` over the bytes of `s`; returns the CRC-64 of all of them.
inline std::uint64_t crc64_update(std::uint64_t crc, std::string_view s) noexcept {
    return crc64_update(crc, s.data(), s.size());
}

/// The CRC-64 of `n` bytes at `data` (0 when n == 0).
inline std::uint64_t crc64_of(const void* data, std::size_t n) noexcept { return crc64_update(0, data, n); }
/// The CRC-64 of the bytes of `s`.
inline std::uint64_t crc64_of(std::string_view s) noexcept { return crc64_update(0, s); }

/// The CRC-64 of a || b from crc1 = CRC(a), crc2 = CRC(b) and len2 = |b| bytes.
/// O(log len2) and usable at compile time; len2 == 0 gives crc1.
constexpr std::uint64_t crc64_combine(std::uint64_t crc1, std::uint64_t crc2, std::uint64_t len2) noexcept {
    if (len2 == 0) return crc1;
    // x^(8 * len2) mod p, built from the x^(2^k) table one set bit of len2 at a time.
    std::uint64_t xn = 1ull << 63;
    for (std::size_t k = 3; len2; len2 >>= 1, ++k)
        if (len2 & 1) xn = detail::crc64_multmodp(detail::crc64_x2n[k], xn);
    return detail::crc64_multmodp(xn, crc1) ^ crc2;
}

/// Streaming CRC-64: feed bytes with update(), read value() at any time.
class crc64 {
public:
    crc64() noexcept = default;
    /// Continues from a known CRC (of bytes already checksummed elsewhere).
    explicit crc64(std::uint64_t start) noexcept : crc_(start) {}
    /// Adds `n` bytes at `data`; returns *this.
    crc64& update(const void* data, std::size_t n) noexcept {
        crc_ = crc64_update(crc_, data, n);
        return *this;
    }
    /// Adds the bytes of `s`; returns *this.
    crc64& update(std::string_view s) noexcept { return update(s.data(), s.size()); }
    /// The CRC-64 of everything added so far.
    std::uint64_t value() const noexcept { return crc_; }
    /// Back to the empty message.
    void reset() noexcept { crc_ = 0; }

private:
    std::uint64_t crc_ = 0;
};

}  // namespace ossmp::inline v0
