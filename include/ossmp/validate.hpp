// ossmp: input validation that runs before any request is built, so a bad bucket name, key
// or header value is reported as a usage error naming the problem, never sent to OSS, and
// never able to inject a header (CR/LF) into the request.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <ossmp/result.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

/// Longest object key OSS accepts, in bytes of UTF-8.
inline constexpr std::size_t max_object_key_size = 1023;

namespace detail {
// Quotes a user value for an error message, escaping control bytes and cutting long text,
// so a message stays one readable line whatever the input.
inline std::string quote_for_message(std::string_view s, std::size_t max = 80) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out = "'";
    for (std::size_t i = 0; i < s.size() && i < max; ++i) {
        auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x20 || c == 0x7f || c == '\'' || c == '\\') {
            out += "\\x";
            out += hex[c >> 4];
            out += hex[c & 15];
        } else {
            out.push_back(static_cast<char>(c));
        }
    }
    if (s.size() > max) out += "...";
    out += "'";
    return out;
}

// Length of the valid UTF-8 sequence at s[i], or 0 if it is invalid (overlong forms,
// surrogates and code points above U+10FFFF are invalid).
constexpr std::size_t utf8_sequence_length(std::string_view s, std::size_t i) noexcept {
    auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
    auto cont = [&](std::size_t k) { return i + k < s.size() && (b(k) & 0xC0) == 0x80; };
    unsigned char c = b(0);
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        if (!cont(1) || !cont(2)) return 0;
        if (c == 0xE0 && b(1) < 0xA0) return 0;   // overlong
        if (c == 0xED && b(1) >= 0xA0) return 0;  // surrogates
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (!cont(1) || !cont(2) || !cont(3)) return 0;
        if (c == 0xF0 && b(1) < 0x90) return 0;   // overlong
        if (c == 0xF4 && b(1) >= 0x90) return 0;  // above U+10FFFF
        return 4;
    }
    return 0;
}
}  // namespace detail

/// True if `s` is well-formed UTF-8.
constexpr bool is_valid_utf8(std::string_view s) noexcept {
    for (std::size_t i = 0; i < s.size();) {
        std::size_t n = detail::utf8_sequence_length(s, i);
        if (n == 0) return false;
        i += n;
    }
    return true;
}

/// Checks a bucket name against the OSS rules: 3 to 63 characters of lower-case letters,
/// digits and '-', neither starting nor ending with '-'. Returns errc::invalid_bucket_name
/// with the reason on failure.
inline result<void> validate_bucket_name(std::string_view bucket) {
    auto fail = [&](std::string why) {
        return make_error(errc::invalid_bucket_name,
                          "bucket name " + detail::quote_for_message(bucket) + " " + why);
    };
    if (bucket.size() < 3 || bucket.size() > 63)
        return fail("must be 3 to 63 characters long (it has " + std::to_string(bucket.size()) + ")");
    for (char c : bucket)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
            return fail("may contain only lower-case letters, digits and '-'");
    if (bucket.front() == '-' || bucket.back() == '-') return fail("must not start or end with '-'");
    return ok();
}

/// Checks an object key: 1 to 1023 bytes of valid UTF-8, no NUL byte, not starting with
/// '/' or '\'. Returns errc::invalid_object_key with the reason on failure.
inline result<void> validate_object_key(std::string_view key) {
    auto fail = [&](std::string why) {
        return make_error(errc::invalid_object_key,
                          "object key " + detail::quote_for_message(key) + " " + why);
    };
    if (key.empty()) return fail("must not be empty");
    if (key.size() > max_object_key_size)
        return fail("is " + std::to_string(key.size()) + " bytes; the limit is 1023");
    if (key.front() == '/' || key.front() == '\\') return fail("must not start with '/' or '\\'");
    if (key.find('\0') != std::string_view::npos) return fail("must not contain a NUL byte");
    if (!is_valid_utf8(key)) return fail("is not valid UTF-8");
    return ok();
}

/// Checks a header name (an RFC 9110 token: letters, digits and !#$%&'*+-.^_`|~).
inline result<void> validate_header_name(std::string_view name) {
    auto tchar = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
    };
    if (name.empty())
        return make_error(errc::invalid_header_value, "header name must not be empty");
    for (char c : name)
        if (!tchar(c))
            return make_error(errc::invalid_header_value,
                              "header name " + detail::quote_for_message(name) + " has a character HTTP forbids");
    return ok();
}

/// Checks a header value: no CR, LF or NUL, which would let the value end the header
/// and inject others. `name` is only used in the message.
inline result<void> validate_header_value(std::string_view name, std::string_view value) {
    for (char c : value)
        if (c == '\r' || c == '\n' || c == '\0')
            return make_error(errc::invalid_header_value,
                              "value of header " + std::string(name) + " contains CR, LF or NUL: " +
                                  detail::quote_for_message(value));
    return ok();
}

/// Checks a header name and value (see validate_header_name, validate_header_value).
inline result<void> validate_header(std::string_view name, std::string_view value) {
    if (auto r = validate_header_name(name); !r) return r;
    return validate_header_value(name, value);
}

}  // namespace ossmp::inline v0
