// ossmp: CRC-32C (Castagnoli), the checksum S3 carries in x-amz-checksum-crc32c.
//
// Parameters: polynomial 0x1EDC6F41 (reflected 0x82F63B78), reflected input and output,
// init and xorout all ones; check value crc32c_of("123456789") == 0xE3069283. As with
// CRC-64, a CRC value is always the finished value of the bytes so far, 0 for no bytes, and
// `crc32c_update(previous, data)` continues it, so update(update(0, a), b) == crc(a || b);
// `crc32c_combine(crc(a), crc(b), len(b)) == crc(a || b)` folds per-part CRCs into the
// object's. S3 sends the value's 4 bytes, most significant first, in base64
// (crc32c_base64, crc32c_from_base64).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <ossmp/crypto/detail/crc32c_kernels.hpp>
#include <ossmp/crypto/detail/crc_gf2.hpp>
#include <ossmp/crypto/detail/crc_wire.hpp>
#include <ossmp/result.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

/// Continues `crc` (the CRC-32C of earlier bytes, 0 for none) over `n` bytes at `data` and
/// returns the CRC-32C of all of them. The kernel is chosen at first use: on x86-64 with
/// VPCLMULQDQ (AVX-512 or AVX2), carry-less multiply folding from 384 bytes on; otherwise,
/// and for shorter inputs, the SSE4.2 `crc32` instruction on three streams at a time;
/// without SSE4.2, PCLMULQDQ folding or a portable slicing-by-8 table.
inline std::uint32_t crc32c_update(std::uint32_t crc, const void* data, std::size_t n) noexcept {
    auto p = static_cast<const unsigned char*>(data);
    if (n < detail::crc32c_fold_min_bytes) return ~detail::crc32c_short_kernel()(~crc, p, n);
    return ~detail::crc32c_best_kernel()(~crc, p, n);
}
/// Continues `crc` over the bytes of `s`; returns the CRC-32C of all of them.
inline std::uint32_t crc32c_update(std::uint32_t crc, std::string_view s) noexcept {
    return crc32c_update(crc, s.data(), s.size());
}

/// The CRC-32C of `n` bytes at `data` (0 when n == 0).
inline std::uint32_t crc32c_of(const void* data, std::size_t n) noexcept { return crc32c_update(0, data, n); }
/// The CRC-32C of the bytes of `s`.
inline std::uint32_t crc32c_of(std::string_view s) noexcept { return crc32c_update(0, s); }

/// The CRC-32C of a || b from crc_a = CRC(a), crc_b = CRC(b) and len_b = |b| bytes.
/// O(log len_b) and usable at compile time; len_b == 0 gives crc_a.
constexpr std::uint32_t crc32c_combine(std::uint32_t crc_a, std::uint32_t crc_b, std::uint64_t len_b) noexcept {
    return detail::crc_combine<std::uint32_t, detail::crc32c_poly>(crc_a, crc_b, len_b);
}

/// The value as S3 writes it in x-amz-checksum-crc32c: base64 of its 4 bytes, most
/// significant first (always 8 characters; "4waSgw==" for 0xE3069283).
inline std::string crc32c_base64(std::uint32_t crc) { return detail::crc_to_base64(crc); }

/// Reads an x-amz-checksum-crc32c value back. Errors are errc::invalid_encoding when `text`
/// is not strict base64 of exactly 4 bytes; the message quotes the value.
inline result<std::uint32_t> crc32c_from_base64(std::string_view text) {
    return detail::crc_from_base64<std::uint32_t>(text, "x-amz-checksum-crc32c");
}

/// Streaming CRC-32C: `crc32c{}.update(a).update(b).value() == crc32c_of(a || b)`;
/// `crc32c(start)` continues a known CRC; reset() goes back to the empty message.
using crc32c = detail::streaming_crc<std::uint32_t, &crc32c_update>;

}  // namespace ossmp::inline v0
