// ossmp: CRC-64/NVME, the checksum S3 carries in x-amz-checksum-crc64nvme.
//
// Parameters: polynomial 0xAD93D23594C93659 (reflected 0x9A6C9329AC4BC9B5), reflected input
// and output, init and xorout all ones; check value crc64nvme_of("123456789") ==
// 0xAE8B14860A799888. Same engine and conventions as crc64 (CRC-64/XZ, OSS's crc64ecma),
// another polynomial: a CRC value is the finished value of the bytes so far, 0 for none,
// update() continues it and combine() joins two. S3 sends the value's 8 bytes, most
// significant first, in base64 (crc64nvme_base64, crc64nvme_from_base64).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <ossmp/crypto/detail/crc64_kernels.hpp>
#include <ossmp/crypto/detail/crc_gf2.hpp>
#include <ossmp/crypto/detail/crc_wire.hpp>
#include <ossmp/result.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

/// Continues `crc` (the CRC-64/NVME of earlier bytes, 0 for none) over `n` bytes at `data`
/// and returns the CRC-64/NVME of all of them; the kernels are CRC-64/XZ's (folding with
/// PCLMULQDQ or VPCLMULQDQ where the CPU has it, slicing-by-8 elsewhere and for short inputs).
inline std::uint64_t crc64nvme_update(std::uint64_t crc, const void* data, std::size_t n) noexcept {
    return detail::crc64_update_for<detail::crc64nvme_poly>(crc, data, n);
}
/// Continues `crc` over the bytes of `s`; returns the CRC-64/NVME of all of them.
inline std::uint64_t crc64nvme_update(std::uint64_t crc, std::string_view s) noexcept {
    return crc64nvme_update(crc, s.data(), s.size());
}

/// The CRC-64/NVME of `n` bytes at `data` (0 when n == 0).
inline std::uint64_t crc64nvme_of(const void* data, std::size_t n) noexcept { return crc64nvme_update(0, data, n); }
/// The CRC-64/NVME of the bytes of `s`.
inline std::uint64_t crc64nvme_of(std::string_view s) noexcept { return crc64nvme_update(0, s); }

/// The CRC-64/NVME of a || b from crc_a = CRC(a), crc_b = CRC(b) and len_b = |b| bytes.
/// O(log len_b) and usable at compile time; len_b == 0 gives crc_a.
constexpr std::uint64_t crc64nvme_combine(std::uint64_t crc_a, std::uint64_t crc_b, std::uint64_t len_b) noexcept {
    return detail::crc_combine<std::uint64_t, detail::crc64nvme_poly>(crc_a, crc_b, len_b);
}

/// The value as S3 writes it in x-amz-checksum-crc64nvme: base64 of its 8 bytes, most
/// significant first (always 12 characters; "rosUhgp5mIg=" for 0xAE8B14860A799888).
inline std::string crc64nvme_base64(std::uint64_t crc) { return detail::crc_to_base64(crc); }

/// Reads an x-amz-checksum-crc64nvme value back. Errors are errc::invalid_encoding when
/// `text` is not strict base64 of exactly 8 bytes; the message quotes the value.
inline result<std::uint64_t> crc64nvme_from_base64(std::string_view text) {
    return detail::crc_from_base64<std::uint64_t>(text, "x-amz-checksum-crc64nvme");
}

/// Streaming CRC-64/NVME: `crc64nvme{}.update(a).update(b).value() == crc64nvme_of(a || b)`;
/// `crc64nvme(start)` continues a known CRC; reset() goes back to the empty message.
using crc64nvme = detail::streaming_crc<std::uint64_t, &crc64nvme_update>;

}  // namespace ossmp::inline v0
