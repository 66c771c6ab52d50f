// ossmp: access credentials. The secret and the STS token are secrets: the library never
// copies them into an error, a log line, a checkpoint or a presigned URL (except the STS
// token in a presigned URL, where OSS requires it).
//
// Temporary (STS) credentials carry their expiration. Whoever signs with them replaces them
// a margin before that: by default 5 minutes, but never more than a third of the lifetime
// the credentials had when they were obtained, so short-lived tokens (a test server's
// seconds-long ones) are still used for two thirds of their life. STS tokens live at least
// 15 minutes, so real ones always get the full 5 minutes. refresh_margin() is the rule,
// needs_refresh() applies it.
#pragma once

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include <ossmp/result.hpp>
#include <ossmp/time.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

/// An access key pair, optionally temporary (STS): then `security_token` is non-empty.
struct credentials {
    std::string access_key_id;      ///< public key id, appears in Authorization headers
    std::string access_key_secret;  ///< secret; never logged
    std::string security_token;     ///< STS token, empty for permanent keys; never logged
    /// When these credentials stop working (STS "Expiration"), if known. Signers ignore it;
    /// it tells a driver (or a credentials_cache) when to get new ones. Permanent keys, and
    /// temporary ones whose source did not say, have none: they are replaced only when the
    /// service refuses them.
    std::optional<time_point> expiration = std::nullopt;

    /// True when these are temporary (STS) credentials.
    bool has_token() const noexcept { return !security_token.empty(); }
    /// True when an expiration is known and `now` has reached it.
    bool expired(time_point now) const noexcept { return expiration && now >= *expiration; }
};

/// The margin credentials are replaced before they expire, unless their lifetime is short
/// (see refresh_margin).
inline constexpr duration default_refresh_margin = std::chrono::minutes(5);

/// The margin for credentials that, when obtained, had `lifetime` left before expiring:
/// `margin`, capped at a third of `lifetime` (rounded down to the millisecond). A lifetime
/// of 15 minutes or more keeps the default 5 minutes whole; a 6-second test token gets 2
/// seconds. Zero for a lifetime (or margin) of zero or less.
constexpr duration refresh_margin(duration lifetime, duration margin = default_refresh_margin) noexcept {
    if (lifetime <= duration::zero() || margin <= duration::zero()) return duration::zero();
    return std::min(margin, lifetime / 3);
}

/// The time from which `c`, obtained at `obtained_at`, should no longer be used to sign:
/// its expiration minus refresh_margin(expiration - obtained_at, margin).
/// time_point::max() when `c` has no expiration (it never needs a proactive refresh).
inline time_point refresh_at(const credentials& c, time_point obtained_at,
                             duration margin = default_refresh_margin) noexcept {
    if (!c.expiration) return time_point::max();
    return *c.expiration - refresh_margin(*c.expiration - obtained_at, margin);
}

/// True when `c`, obtained at `obtained_at`, must be replaced before signing at `now`:
/// now >= refresh_at(c, obtained_at, margin). Never true for credentials without an
/// expiration. Next: ask the credentials provider again (credentials_cache does this).
inline bool needs_refresh(const credentials& c, time_point obtained_at, time_point now,
                          duration margin = default_refresh_margin) noexcept {
    return now >= refresh_at(c, obtained_at, margin);
}

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
