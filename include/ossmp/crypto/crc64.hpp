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

#include <ossmp/crypto/detail/crc64_kernels.hpp>
#include <ossmp/crypto/detail/crc_gf2.hpp>
#include <ossmp/crypto/detail/crc_wire.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

/// Continues `crc` (the CRC-64 of earlier bytes, 0 for none) over `n` bytes at `data` and
/// returns the CRC-64 of all of them. On x86 CPUs with PCLMULQDQ (or VPCLMULQDQ with AVX2
/// or AVX-512) a folding kernel chosen at first use does the work, at tens of GB/s; elsewhere,
/// and for inputs under 32 bytes, a portable slicing-by-8 table.
inline std::uint64_t crc64_update(std::uint64_t crc, const void* data, std::size_t n) noexcept {
    return detail::crc64_update_for<detail::crc64_poly>(crc, data, n);
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
    return detail::crc_combine<std::uint64_t, detail::crc64_poly>(crc1, crc2, len2);
}

/// Streaming CRC-64: `crc64{}.update(a).update(b).value() == crc64_of(a || b)`;
/// `crc64(start)` continues a known CRC; reset() goes back to the empty message.
using crc64 = detail::streaming_crc<std::uint64_t, &crc64_update>;

}  // namespace ossmp::inline v0
