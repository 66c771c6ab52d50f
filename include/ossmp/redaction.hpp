// ossmp: keeping secrets out of errors, whatever a server sends back.
//
// OSS echoes parts of a refused request in its <Error> documents, and some of them are
// secrets: <SecurityToken> (SecurityTokenExpired, InvalidSecurityToken) is the STS token
// itself, and <SignatureProvided> is the request's signature, which, with the
// <StringToSign> beside it, rebuilds a presigned URL that works until it expires. The
// debugging echoes can hold the token too: a V1 <StringToSign> lists the
// x-oss-security-token header (or, for a presigned URL, the security-token query
// parameter), a V4 <CanonicalRequest> lists the header, and <StringToSignBytes> is the
// string to sign in hex. The rules, applied by parse_service_error to every <Error> child
// it keeps as a detail:
//   * an element whose name contains (ASCII case-insensitively) "secret", "token",
//     "signature", "password" or "authorization" is dropped whole: SecurityToken,
//     AccessKeySecret, SignatureProvided and their kind. Access key ids (OSSAccessKeyId)
//     are public and kept: they say which key was used;
//   * every other value is kept with the value of a security-token header line or query
//     parameter replaced by "[redacted]"; <StringToSignBytes> is decoded, redacted and
//     re-encoded (dropped when it is not hex bytes).
// scrub_secrets() is the second line: given the credentials in use, it removes their
// secret and token from every text field of an error, wherever they hide.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <ossmp/credentials.hpp>
#include <ossmp/detail/ascii.hpp>
#include <ossmp/error.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

/// What replaces a secret in an error.
inline constexpr std::string_view redacted_text = "[redacted]";

namespace detail {
// ASCII case-insensitive search for `needle` (lower case) in `hay` from `from`.
inline std::size_t ifind(std::string_view hay, std::string_view needle, std::size_t from = 0) noexcept {
    if (needle.size() > hay.size()) return std::string_view::npos;
    for (std::size_t i = from; i + needle.size() <= hay.size(); ++i) {
        std::size_t k = 0;
        while (k < needle.size() && to_lower(hay[i + k]) == needle[k]) ++k;
        if (k == needle.size()) return i;
    }
    return std::string_view::npos;
}

inline constexpr std::string_view secret_name_parts[] = {"secret", "token", "signature", "password",
                                                         "authorization"};
}  // namespace detail

/// True when an <Error> child named `name` carries a secret and must not be kept: its name
/// contains "secret", "token", "signature", "password" or "authorization" (ASCII
/// case-insensitive). StringToSign, StringToSignBytes and CanonicalRequest do not match
/// (they are kept, redacted); SecurityToken, AccessKeySecret and SignatureProvided do.
inline bool is_secret_field_name(std::string_view name) noexcept {
    for (auto part : detail::secret_name_parts)
        if (detail::ifind(name, part) != std::string_view::npos) return true;
    return false;
}

/// True when `text` mentions a secret by name (the same words as is_secret_field_name):
/// a body excerpt that does is not shown in an error.
inline bool mentions_secret(std::string_view text) noexcept { return is_secret_field_name(text); }

/// `text` (a string to sign, a canonical request, a message) with the value after every
/// "security-token:" (a header line: x-oss-security-token) and "security-token=" (a query
/// parameter: security-token, x-oss-security-token) replaced by "[redacted]", up to the
/// end of the line or the next '&'. Everything else is unchanged.
inline std::string redact_signing_text(std::string_view text) {
    constexpr std::string_view key = "security-token";
    std::string out;
    std::size_t done = 0;
    for (std::size_t at = detail::ifind(text, key); at != std::string_view::npos;
         at = detail::ifind(text, key, at + 1)) {
        std::size_t p = at + key.size();
        if (p >= text.size() || (text[p] != ':' && text[p] != '=')) continue;
        ++p;
        while (p < text.size() && text[p] == ' ') ++p;
        std::size_t end = p;
        while (end < text.size() && text[end] != '\n' && text[end] != '\r' && text[end] != '&') ++end;
        if (end == p) continue;
        out.append(text.substr(done, p - done));
        out += redacted_text;
        done = end;
        at = end - 1;
    }
    out.append(text.substr(done));
    return out;
}

/// A <StringToSignBytes> value ("50 55 54 0A ...": hex bytes, each followed by or
/// separated with spaces) with the string it encodes passed through redact_signing_text
/// and encoded back in the same form (upper-case hex, one space after each byte).
/// nullopt when `text` is not such a list; the caller then drops it.
inline std::optional<std::string> redact_hex_bytes(std::string_view text) {
    std::string bytes;
    std::size_t i = 0;
    auto hex = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    while (i < text.size()) {
        if (text[i] == ' ' || text[i] == '\n' || text[i] == '\t') {
            ++i;
            continue;
        }
        if (i + 1 >= text.size() || hex(text[i]) < 0 || hex(text[i + 1]) < 0) return std::nullopt;
        bytes.push_back(static_cast<char>(hex(text[i]) * 16 + hex(text[i + 1])));
        i += 2;
        if (i < text.size() && text[i] != ' ' && text[i] != '\n' && text[i] != '\t') return std::nullopt;
    }
    std::string redacted = redact_signing_text(bytes);
    if (redacted == bytes) return std::string(text);
    static constexpr char digits[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(redacted.size() * 3);
    for (char c : redacted) {
        auto u = static_cast<unsigned char>(c);
        out.push_back(digits[u >> 4]);
        out.push_back(digits[u & 15]);
        out.push_back(' ');
    }
    return out;
}

/// What error.details keeps of the <Error> child `name` with text `value`: nullopt to
/// drop it (is_secret_field_name), else the value redacted (redact_hex_bytes for
/// StringToSignBytes, redact_signing_text for everything else).
inline std::optional<std::string> redact_detail(std::string_view name, std::string_view value) {
    if (is_secret_field_name(name)) return std::nullopt;
    if (detail::iequals(name, "StringToSignBytes")) return redact_hex_bytes(value);
    return redact_signing_text(value);
}

/// The shortest secret scrub_secrets looks for: shorter values would match ordinary words
/// (real access key secrets are 30 bytes, STS tokens hundreds).
inline constexpr std::size_t min_scrubbed_length = 8;

/// Replaces every occurrence of `c`'s access key secret and security token (when at least
/// min_scrubbed_length bytes) in every text field of `e` (message, OSS code, request and
/// host id, EC, detail names and values) with "[redacted]". For errors built from text the
/// library did not write; call it before an error leaves code that holds the credentials.
inline void scrub_secrets(error& e, const credentials& c) {
    auto scrub = [&](std::string& field) {
        for (const std::string* secret : {&c.access_key_secret, &c.security_token}) {
            if (secret->size() < min_scrubbed_length) continue;
            for (std::size_t at = field.find(*secret); at != std::string::npos;
                 at = field.find(*secret, at + redacted_text.size()))
                field.replace(at, secret->size(), redacted_text);
        }
    };
    scrub(e.message);
    scrub(e.oss_code);
    scrub(e.request_id);
    scrub(e.host_id);
    scrub(e.ec);
    for (auto& [name, value] : e.details) {
        scrub(name);
        scrub(value);
    }
}

}  // namespace ossmp::inline v0
