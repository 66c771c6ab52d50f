// ossmp: the one percent-encoder. Object keys in URL paths, query names and values, the V4
// canonical URI and canonical query, and presigned URLs are all encoded here, so the bytes
// on the wire and the bytes that were signed cannot disagree (aliyun-oss-go-sdk #439: a '+'
// encoded one way for the URL and another for the signature gave SignatureDoesNotMatch).
//
// Rule (RFC 3986 unreserved set, as OSS V4 defines UriEncode): A-Z a-z 0-9 - . _ ~ are
// kept, every other byte becomes %XX with upper-case hex; a space is %20 and '+' is %2B,
// never '+'; '/' is kept only where the caller asks (object keys in paths).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include <ossmp/crypto/hex.hpp>
#include <ossmp/result.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

namespace detail {
constexpr bool is_unreserved(unsigned char c) noexcept {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '.' || c == '_' || c == '~';
}
}  // namespace detail

/// Which bytes besides the unreserved set pass through unencoded.
enum class encode_mode : std::uint8_t {
    component,  ///< query names and values, header-borne paths: only unreserved bytes kept
    path,       ///< object keys in a URL path: unreserved bytes and '/' kept
};

/// Appends the percent-encoding of `in` to `out`.
inline void percent_encode_to(std::string& out, std::string_view in,
                              encode_mode mode = encode_mode::component) {
    // Copies runs of bytes that need no escape in one append: keys and values are mostly
    // such runs, and per-byte push_back dominated signing profiles.
    static constexpr auto keep = [] {
        std::array<std::array<bool, 256>, 2> t{};
        for (int c = 0; c < 256; ++c) t[0][c] = t[1][c] = detail::is_unreserved(static_cast<unsigned char>(c));
        t[1]['/'] = true;
        return t;
    }();
    const auto& table = keep[mode == encode_mode::path ? 1 : 0];
    out.reserve(out.size() + in.size());
    std::size_t i = 0;
    while (i < in.size()) {
        std::size_t j = i;
        while (j < in.size() && table[static_cast<unsigned char>(in[j])]) ++j;
        out.append(in.data() + i, j - i);
        if (j == in.size()) break;
        auto c = static_cast<unsigned char>(in[j]);
        const char esc[3] = {'%', detail::upper_hex_digits[c >> 4], detail::upper_hex_digits[c & 15]};
        out.append(esc, 3);
        i = j + 1;
    }
}

/// The percent-encoding of `in` (see the rule at the top of this header).
inline std::string percent_encode(std::string_view in, encode_mode mode = encode_mode::component) {
    std::string out;
    percent_encode_to(out, in, mode);
    return out;
}

/// Decodes %XX escapes (either hex case). With `plus_is_space`, '+' decodes to a space
/// (form encoding, as Go's QueryUnescape does); otherwise '+' stays '+'. A '%' not followed
/// by two hex digits is an errc::invalid_encoding error naming the offset.
inline result<std::string> percent_decode(std::string_view in, bool plus_is_space = false) {
    std::string out;
    out.reserve(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        char c = in[i];
        if (c == '%') {
            int hi = i + 2 < in.size() ? detail::hex_value(in[i + 1]) : -1;
            int lo = i + 2 < in.size() ? detail::hex_value(in[i + 2]) : -1;
            if (hi < 0 || lo < 0)
                return make_error(errc::invalid_encoding,
                                  "bad percent escape at offset " + std::to_string(i));
            out.push_back(static_cast<char>(hi * 16 + lo));
            i += 2;
        } else if (c == '+' && plus_is_space) {
            out.push_back(' ');
        } else {
            out.push_back(c);
        }
    }
    return out;
}

}  // namespace ossmp::inline v0
