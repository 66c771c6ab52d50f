// ossmp: access credentials. The secret and the STS token are secrets: the library never
// copies them into an error, a log line, a checkpoint or a presigned URL (except the STS
// token in a presigned URL, where OSS requires it).
#pragma once

#include <string>
#include <string_view>

#include <ossmp/result.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

/// An access key pair, optionally temporary (STS): then `security_token` is non-empty.
struct credentials {
    std::string access_key_id;      ///< public key id, appears in Authorization headers
    std::string access_key_secret;  ///< secret; never logged
    std::string security_token;     ///< STS token, empty for permanent keys; never logged

    /// True when these are temporary (STS) credentials.
    bool has_token() const noexcept { return !security_token.empty(); }
};

/// Checks that the id and secret are present. The id travels inside the Authorization
/// header, so it may not contain spaces or control characters; the secret and the STS
/// token may contain spaces (the SDKs accept tokens like "a; b==") but no control
/// characters, since the token travels in a header. The message names the field, never
/// its value.
inline result<void> validate_credentials(const credentials& c) {
    auto has_control = [](std::string_view s) {
        for (char ch : s)
            if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f) return true;
        return false;
    };
    if (c.access_key_id.empty())
        return make_error(errc::invalid_credentials, "access key id is empty");
    if (c.access_key_secret.empty())
        return make_error(errc::invalid_credentials, "access key secret is empty");
    if (has_control(c.access_key_id) || c.access_key_id.find(' ') != std::string::npos)
        return make_error(errc::invalid_credentials, "access key id contains spaces or control characters");
    if (has_control(c.access_key_secret))
        return make_error(errc::invalid_credentials, "access key secret contains control characters");
    if (has_control(c.security_token))
        return make_error(errc::invalid_credentials, "security token contains control characters");
    return ok();
}

}  // namespace ossmp::inline v0
