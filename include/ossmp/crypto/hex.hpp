// ossmp: hexadecimal text for digests (lower case for V4 signatures, upper case for ETags).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

#include <ossmp/percent.hpp>
#include <ossmp/result.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

/// Letter case of hex output.
enum class hex_case : std::uint8_t { lower, upper };

/// Hex of `n` bytes at `data`.
inline std::string hex_encode(const void* data, std::size_t n, hex_case c = hex_case::lower) {
    static constexpr char lower_digits[] = "0123456789abcdef";
    const char* digits = c == hex_case::lower ? lower_digits : detail::upper_hex_digits;
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
