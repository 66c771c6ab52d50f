// ossmp: CRC-64/XZ, the checksum OSS calls crc64ecma (x-oss-hash-crc64ecma).
//
// Parameters: ECMA-182 polynomial 0x42F0E1EBA9EA3693 (reflected 0xC96C5795D7870F42),
// reflected input and output, init and xorout all ones. The API follows the OSS SDKs: a
// CRC value is always the finished value of the bytes so far, 0 for no bytes, and
// `crc64_update(previous, data)` continues it, so update(update(0, a), b) == crc(a || b).
// `crc64_combine(crc(a), crc(b), len(b)) == crc(a || b)` lets parts be checksummed
// independently and folded into the object's CRC.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include <ossmp/crypto/detail/bytes.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

namespace detail {
inline constexpr std::uint64_t crc64_poly = 0xC96C5795D7870F42ull;

using crc64_table_set = std::array<std::array<std::uint64_t, 256>, 8>;
constexpr crc64_table_set make_crc64_tables() noexcept {
    crc64_table_set t{};
    for (std::uint64_t i = 0; i < 256; ++i) {
        std::uint64_t c = i;
        for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ crc64_poly : c >> 1;
        t[0][i] = c;
    }
    for (std::size_t s = 1; s < 8; ++s)
        for (std::size_t i = 0; i < 256; ++i) t[s][i] = (t[s - 1][i] >> 8) ^ t[0][t[s - 1][i] & 0xff];
    return t;
}
inline constexpr crc64_table_set crc64_tables = make_crc64_tables();

// Portable slicing-by-8 over the raw (inverted) CRC register.
inline std::uint64_t crc64_slice8(std::uint64_t reg, const unsigned char* p, std::size_t n) noexcept {
    const auto& t = crc64_tables;
    while (n >= 8) {
        reg ^= load_le64(p);
        reg = t[7][reg & 0xff] ^ t[6][(reg >> 8) & 0xff] ^ t[5][(reg >> 16) & 0xff] ^
              t[4][(reg >> 24) & 0xff] ^ t[3][(reg >> 32) & 0xff] ^ t[2][(reg >> 40) & 0xff] ^
              t[1][(reg >> 48) & 0xff] ^ t[0][reg >> 56];
        p += 8;
        n -= 8;
    }
    while (n--) reg = t[0][(reg ^ *p++) & 0xff] ^ (reg >> 8);
    return reg;
}

// GF(2) polynomial arithmetic modulo the CRC polynomial, in the reflected bit order
// (bit 63 is x^0), for crc64_combine.
constexpr std::uint64_t crc64_multmodp(std::uint64_t a, std::uint64_t b) noexcept {
    std::uint64_t m = 1ull << 63, p = 0;
    for (;;) {
        if (a & m) {
            p ^= b;
            if ((a & (m - 1)) == 0) break;
        }
        m >>= 1;
        b = (b & 1) ? (b >> 1) ^ crc64_poly : b >> 1;
    }
    return p;
}
// x^(2^k) mod p for k = 0..71; a byte length < 2^64 needs k up to 3 + 63.
constexpr std::array<std::uint64_t, 72> make_crc64_x2n() noexcept {
    std::array<std::uint64_t, 72> t{};
    t[0] = 1ull << 62;  // x^1
    for (std::size_t k = 1; k < t.size(); ++k) t[k] = crc64_multmodp(t[k - 1], t[k - 1]);
    return t;
}
inline constexpr std::array<std::uint64_t, 72> crc64_x2n = make_crc64_x2n();
}  // namespace detail

/// Continues `crc` (the CRC-64 of earlier bytes, 0 for none) over `n` bytes at `data`.
inline std::uint64_t crc64_update(std::uint64_t crc, const void* data, std::size_t n) noexcept {
    return ~detail::crc64_slice8(~crc, static_cast<const unsigned char*>(data), n);
}
inline std::uint64_t crc64_update(std::uint64_t crc, std::string_view s) noexcept {
    return crc64_update(crc, s.data(), s.size());
}

/// The CRC-64 of a whole buffer.
inline std::uint64_t crc64_of(const void* data, std::size_t n) noexcept { return crc64_update(0, data, n); }
inline std::uint64_t crc64_of(std::string_view s) noexcept { return crc64_update(0, s); }

/// The CRC-64 of a || b from crc1 = CRC(a), crc2 = CRC(b) and len2 = |b| bytes.
/// O(log len2); len2 == 0 gives crc1.
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
    crc64& update(const void* data, std::size_t n) noexcept {
        crc_ = crc64_update(crc_, data, n);
        return *this;
    }
    crc64& update(std::string_view s) noexcept { return update(s.data(), s.size()); }
    /// The CRC-64 of everything added so far.
    std::uint64_t value() const noexcept { return crc_; }
    /// Back to the empty message.
    void reset() noexcept { crc_ = 0; }

private:
    std::uint64_t crc_ = 0;
};

}  // namespace ossmp::inline v0
