// Shared by the JSON and credentials fuzz targets: every message the JSON reader, the
// credentials document parser and the ECS metadata parsers can produce, with digits left
// out (offsets, sizes and statuses vary). A message outside this set means an error
// quoted something it was given, which for credential documents may be a secret. Also a
// JSON string writer for the targets' round trips.
#pragma once

#include <set>
#include <string>
#include <string_view>

namespace fuzz_support {

inline std::string without_digits(std::string_view s) {
    std::string out;
    for (char c : s)
        if (c < '0' || c > '9') out.push_back(c);
    return out;
}

inline const std::set<std::string>& known_messages() {
    static const std::set<std::string> all = [] {
        std::set<std::string> m;
        auto add = [&](std::string_view s) { m.insert(without_digits(s)); };
        for (std::string_view json : {
                 "document of 0 bytes exceeds max_document_size 0",
                 "byte order mark before the value at byte 0",
                 "empty document at byte 0",
                 "unexpected data after the value at byte 0",
                 "more than max_values 0 values at byte 0",
                 "unexpected end, expected a value at byte 0",
                 "unexpected character, expected a value at byte 0",
                 "invalid literal (true, false or null expected) at byte 0",
                 "invalid number: a digit must follow '-' at byte 0",
                 "invalid number: a digit must follow '.' at byte 0",
                 "invalid number: the exponent has no digits at byte 0",
                 "unterminated string starting at byte 0",
                 "unescaped control character in a string at byte 0",
                 "invalid UTF-8 in a string at byte 0",
                 "unterminated escape at byte 0",
                 "invalid escape at byte 0",
                 "\\u must be followed by four hex digits at byte 0",
                 "low surrogate escape without a high one before it at byte 0",
                 "high surrogate escape not followed by a low one at byte 0",
                 "nesting deeper than max_depth 0 at byte 0",
                 "unexpected end inside an array at byte 0",
                 "expected ',' or ']' in an array at byte 0",
                 "expected a member name (a string) at byte 0",
                 "expected ':' after a member name at byte 0",
                 "unexpected end inside an object at byte 0",
                 "expected ',' or '}' in an object at byte 0",
                 "duplicate member name at byte 0",
             })
            add("JSON: " + std::string(json));
        add("the document is not a JSON object");
        add("\"Credentials\" is not an object");
        add("\"mode\" is neither \"AK\" nor \"StsToken\"");
        add("\"Code\" is not \"Success\": the source reports a failure");
        for (std::string_view n : {"mode", "access_key_id", "access_key_secret", "sts_token", "expiration", "Code",
                                   "AccessKeyId", "AccessKeySecret", "SecurityToken", "Expiration"}) {
            add("\"" + std::string(n) + "\" is not a string");
            add("\"" + std::string(n) + "\" is missing or empty");
        }
        for (std::string_view n : {"expiration", "Expiration"})
            add("\"" + std::string(n) + "\" is not an ISO 8601 UTC time like 2026-12-04T12:00:00Z");
        for (std::string_view v : {"access key id is empty", "access key secret is empty",
                                   "access key id contains spaces or control characters",
                                   "access key secret contains control characters",
                                   "security token contains control characters"})
            add(v);
        for (std::string_view what : {"metadata token", "RAM role name", "RAM role credentials"})
            add(std::string(what) + ": the metadata service answered HTTP 0, not 200");
        add("metadata token: empty or longer than 4096 bytes");
        add("metadata token: not printable ASCII");
        add("RAM role name: not 1..64 letters, digits, '.', '-' or '_'");
        add("answered HTTP 0, not 200");
        return m;
    }();
    return all;
}

/// `s` as a JSON string literal: '"' and '\\' escaped, control bytes as \u00XX, the rest
/// (valid UTF-8, since it came out of the reader) as is.
inline std::string json_quote(std::string_view s) {
    std::string out = "\"";
    for (char c : s) {
        auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out.push_back('\\');
            out.push_back(c);
        } else if (u < 0x20) {
            static const char* hex = "0123456789abcdef";
            out += "\\u00";
            out.push_back(hex[u >> 4]);
            out.push_back(hex[u & 15]);
        } else {
            out.push_back(c);
        }
    }
    return out + "\"";
}

/// True when `message` is one the parsers can produce (digits aside).
inline bool is_known_message(std::string_view message) {
    return known_messages().count(without_digits(message)) != 0;
}

}  // namespace fuzz_support
