// ossmp: base64 (RFC 4648, standard alphabet, with padding) for Content-MD5, V1 signatures,
// callbacks and the x-oss-err header.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

#include <ossmp/result.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

/// Base64 of `n` bytes at `data`, padded with '='.
inline std::string base64_encode(const void* data, std::size_t n) {
    static constexpr char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    auto p = static_cast<const unsigned char*>(data);
    std::string out;
    out.reserve((n + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 3 <= n; i += 3) {
        std::uint32_t v = (std::uint32_t(p[i]) << 16) | (std::uint32_t(p[i + 1]) << 8) | p[i + 2];
        out.push_back(alphabet[v >> 18]);
        out.push_back(alphabet[(v >> 12) & 63]);
        out.push_back(alphabet[(v >> 6) & 63]);
        out.push_back(alphabet[v & 63]);
    }
    if (n - i == 1) {
        std::uint32_t v = std::uint32_t(p[i]) << 16;
        out.push_back(alphabet[v >> 18]);
        out.push_back(alphabet[(v >> 12) & 63]);
        out += "==";
    } else if (n - i == 2) {
        std::uint32_t v = (std::uint32_t(p[i]) << 16) | (std::uint32_t(p[i + 1]) << 8);
        out.push_back(alphabet[v >> 18]);
        out.push_back(alphabet[(v >> 12) & 63]);
        out.push_back(alphabet[(v >> 6) & 63]);
        out.push_back('=');
    }
    return out;
}
inline std::string base64_encode(std::string_view s) { return base64_encode(s.data(), s.size()); }
/// Base64 of a digest or any contiguous byte container (std::array, std::vector, ...).
template <class Bytes>
    requires(!std::is_convertible_v<const Bytes&, std::string_view>)
inline std::string base64_encode(const Bytes& b) {
    return base64_encode(std::data(b), std::size(b));
}

/// Decodes padded base64. Strict: the length must be a multiple of 4, only the standard
/// alphabet is accepted, padding only at the end, and unused bits must be zero. Errors are
/// errc::invalid_encoding naming the offending offset.
inline result<std::string> base64_decode(std::string_view in) {
    auto value = [](char c) -> int {
        if (c >= 'A' && c <= 'Z') return c - 'A';
        if (c >= 'a' && c <= 'z') return c - 'a' + 26;
        if (c >= '0' && c <= '9') return c - '0' + 52;
        if (c == '+') return 62;
        if (c == '/') return 63;
        return -1;
    };
    if (in.size() % 4 != 0)
        return make_error(errc::invalid_encoding,
                          "base64 length " + std::to_string(in.size()) + " is not a multiple of 4");
    std::string out;
    out.reserve(in.size() / 4 * 3);
    for (std::size_t i = 0; i < in.size(); i += 4) {
        bool last = i + 4 == in.size();
        int pads = 0;
        if (last) pads = (in[i + 3] == '=') + (in[i + 3] == '=' && in[i + 2] == '=');
        int v[4];
        for (int j = 0; j < 4 - pads; ++j) {
            v[j] = value(in[i + j]);
            if (v[j] < 0)
                return make_error(errc::invalid_encoding,
                                  "invalid base64 character at offset " + std::to_string(i + j));
        }
        std::uint32_t bits = (std::uint32_t(v[0]) << 18) | (std::uint32_t(v[1]) << 12);
        if (pads < 2) bits |= std::uint32_t(v[2]) << 6;
        if (pads < 1) bits |= std::uint32_t(v[3]);
        out.push_back(static_cast<char>(bits >> 16));
        if (pads < 2) out.push_back(static_cast<char>((bits >> 8) & 0xff));
        if (pads < 1) out.push_back(static_cast<char>(bits & 0xff));
        if ((pads == 1 && (bits & 0xff)) || (pads == 2 && (bits & 0xffff)))
            return make_error(errc::invalid_encoding,
                              "base64 has non-zero padding bits at offset " + std::to_string(i));
    }
    return out;
}

}  // namespace ossmp::inline v0
