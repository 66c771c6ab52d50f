// ossmp: hexadecimal text for digests (lower case for V4 signatures, upper case for ETags),
// and the hex digits every other encoder (percent-encoding, checkpoints) uses.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

#include <ossmp/result.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

namespace detail {
inline constexpr char lower_hex_digits[] = "0123456789abcdef";
inline constexpr char upper_hex_digits[] = "0123456789ABCDEF";

/// The value of hex digit `c` (either case), or -1.
constexpr int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}
}  // namespace detail

/// Letter case of hex output.
enum class hex_case : std::uint8_t { lower, upper };

/// Hex of `n` bytes at `data`.
inline std::string hex_encode(const void* data, std::size_t n, hex_case c = hex_case::lower) {
    const char* digits = c == hex_case::lower ? detail::lower_hex_digits : detail::upper_hex_digits;
    auto p = static_cast<const unsigned char*>(data);
    std::string out(2 * n, '\0');
    for (std::size_t i = 0; i < n; ++i) {
        out[2 * i] = digits[p[i] >> 4];
        out[2 * i + 1] = digits[p[i] & 15];
    }
    return out;
}
inline std::string hex_encode(std::string_view s, hex_case c = hex_case::lower) {
    return hex_encode(s.data(), s.size(), c);
}
/// Hex of a digest or any contiguous byte container (std::array, std::vector, ...).
template <class Bytes>
    requires(!std::is_convertible_v<const Bytes&, std::string_view>)
inline std::string hex_encode(const Bytes& b, hex_case c = hex_case::lower) {
    return hex_encode(std::data(b), std::size(b), c);
}

/// `v` as 16 lower-case hex digits, most significant first ("00000000000000ff").
inline std::string hex_u64(std::uint64_t v) {
    std::string out(16, '0');
    for (int i = 15; i >= 0; --i, v >>= 4) out[static_cast<std::size_t>(i)] = detail::lower_hex_digits[v & 15];
    return out;
}

/// Bytes from hex text (either case). Odd length or a non-hex character is
/// errc::invalid_encoding.
inline result<std::string> hex_decode(std::string_view in) {
    if (in.size() % 2 != 0)
        return make_error(errc::invalid_encoding, "hex text has odd length " + std::to_string(in.size()));
    std::string out(in.size() / 2, '\0');
    for (std::size_t i = 0; i < out.size(); ++i) {
        int hi = detail::hex_value(in[2 * i]), lo = detail::hex_value(in[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return make_error(errc::invalid_encoding,
                              "invalid hex character at offset " + std::to_string(hi < 0 ? 2 * i : 2 * i + 1));
        out[i] = static_cast<char>(hi * 16 + lo);
    }
    return out;
}

}  // namespace ossmp::inline v0
