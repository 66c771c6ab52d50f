// ossmp CLI: strings from elsewhere (object keys, upload ids, ETags, service messages) made
// safe to print. Another writer's key may hold ESC sequences, newlines or bytes that are not
// UTF-8; printed raw, it could recolour the terminal, move the cursor or forge lines of
// `ls-uploads`. So human output escapes, and --json output is always valid JSON.
//
// Human output (printable):
//   * printable UTF-8 passes through unchanged (so do spaces and non-ASCII letters);
//   * a backslash is doubled: "\\";
//   * \n, \r and \t print as those two characters; other C0 controls and DEL as \xNN;
//   * a byte that is not part of valid UTF-8 prints as \xNN (its value, in hex);
//   * C1 controls (U+0080..U+009F), line/paragraph separators (U+2028, U+2029) and bidi
//     controls (U+200E, U+200F, U+202A..U+202E, U+2066..U+2069) print as \u{XXXX}.
// JSON output (json_string): valid UTF-8 passes through; " and \ and C0 controls are
// escaped as JSON requires (\n, \r, \t, \uXXXX), DEL and U+2028/U+2029 as \uXXXX; every
// byte that is not part of valid UTF-8 becomes U+FFFD (the replacement character, one per
// byte).
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <utility>

namespace ossmp_cli {

/// One decoded UTF-8 sequence: its code point and length in bytes; length 0 when the bytes
/// at the position are not valid UTF-8 (overlong forms, surrogates and values above
/// U+10FFFF are invalid).
struct utf8_char {
    char32_t code = 0;
    std::size_t length = 0;
};

inline utf8_char decode_utf8(std::string_view s, std::size_t i) {
    auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    unsigned char b0 = byte(i);
    if (b0 < 0x80) return {b0, 1};
    std::size_t n = b0 >= 0xf0 && b0 <= 0xf4 ? 4 : b0 >= 0xe0 && b0 <= 0xef ? 3 : b0 >= 0xc2 && b0 <= 0xdf ? 2 : 0;
    if (n == 0 || i + n > s.size()) return {};
    char32_t c = b0 & (0xff >> (n + 1));
    for (std::size_t k = 1; k < n; ++k) {
        if ((byte(i + k) & 0xc0) != 0x80) return {};
        c = (c << 6) | (byte(i + k) & 0x3f);
    }
    static constexpr char32_t least[] = {0, 0, 0x80, 0x800, 0x10000};
    if (c < least[n] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) return {};
    return {c, n};
}

/// The two-character escape both outputs use for `c`, or nullptr.
inline const char* short_escape(char32_t c) {
    static constexpr std::pair<char32_t, const char*> named[] = {
        {U'\\', "\\\\"}, {U'\n', "\\n"}, {U'\r', "\\r"}, {U'\t', "\\t"}};
    for (auto [ch, text] : named)
        if (ch == c) return text;
    return nullptr;
}

/// `s` for a terminal (see the rules above).
inline std::string printable(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    char buf[16];
    for (std::size_t i = 0; i < s.size();) {
        auto ch = decode_utf8(s, i);
        char32_t c = ch.code;
        if (ch.length == 0) {
            std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned char>(s[i]));
            out += buf;
            ++i;
            continue;
        }
        if (const char* e = short_escape(c)) {
            out += e;
        } else if (c < 0x20 || c == 0x7f) {
            std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(c));
            out += buf;
        } else if ((c >= 0x80 && c <= 0x9f) || c == 0x2028 || c == 0x2029 || c == 0x200e || c == 0x200f ||
                   (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)) {
            std::snprintf(buf, sizeof buf, "\\u{%04x}", static_cast<unsigned>(c));
            out += buf;
        } else {
            out.append(s.substr(i, ch.length));
        }
        i += ch.length;
    }
    return out;
}

/// Appends `s` as a JSON string literal (see the rules above): always valid JSON.
inline void json_string(std::string& out, std::string_view s) {
    out += '"';
    char buf[16];
    for (std::size_t i = 0; i < s.size();) {
        auto ch = decode_utf8(s, i);
        char32_t c = ch.code;
        if (ch.length == 0) {
            out += "\\ufffd";
            ++i;
            continue;
        }
        if (c == U'"') {
            out += "\\\"";
        } else if (const char* e = short_escape(c)) {
            out += e;
        } else if (c < 0x20 || c == 0x7f || c == 0x2028 || c == 0x2029) {
            std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
            out += buf;
        } else {
            out.append(s.substr(i, ch.length));
        }
        i += ch.length;
    }
    out += '"';
}

}  // namespace ossmp_cli
