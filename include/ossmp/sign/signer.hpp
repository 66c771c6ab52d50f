// ossmp: one entry point for signing, whatever the signature version. The upload machine,
// the CLI and the emulator's verifier call sign_request/presign_request with a
// signing_config; an S3 dialect would add its SigV4 here as another signature_version.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include <ossmp/credentials.hpp>
#include <ossmp/dialect.hpp>
#include <ossmp/http_request.hpp>
#include <ossmp/result.hpp>
#include <ossmp/sign/v1.hpp>
#include <ossmp/sign/v4.hpp>
#include <ossmp/time.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

/// Which signature algorithm signs requests.
enum class signature_version : std::uint8_t {
    v1,  ///< OSS HMAC-SHA1 ("OSS ak:signature")
    v4,  ///< OSS4-HMAC-SHA256 (needs a region); the official SDKs' current default
};

/// Everything needed to sign requests for one account: the version and credentials, and
/// each version's own options (only the chosen version's are used).
struct signing_config {
    signature_version version = signature_version::v4;
    credentials creds;
    v4_options v4;  ///< region (required for V4), product, additional headers to sign
    v1_options v1;  ///< extra query names to sign
};

/// Signs `req` in place at time `now` with the configured version, replacing any earlier
/// signature. Call it immediately before sending, and again before every retry, so the
/// signed date is fresh (signing early invites RequestTimeTooSkewed). `cache` (V4 only)
/// may be null. Errors: invalid credentials or region (1xx band).
inline result<void> sign_request(http_request& req, const signing_config& cfg, time_point now,
                                 v4_key_cache* cache = nullptr, const dialect& d = oss_dialect) {
    if (cfg.version == signature_version::v1) {
        auto r = sign_v1(req, cfg.creds, now, cfg.v1, d);
        if (!r) return r.error();
        return ok();
    }
    auto r = sign_v4(req, cfg.creds, now, cfg.v4, cache, d);
    if (!r) return r.error();
    return ok();
}

/// A presigned URL and the headers its user must send with it.
struct presigned_url {
    std::string url;
    ossmp::headers headers;  ///< signed headers (Content-Type, Content-MD5, x-oss-*) to replay
    time_point expires;      ///< when the URL stops working
};

/// Presigns `req` at `now`, valid for `valid_for` (V4: 1 s to 7 days). The method, headers
/// and query of `req` are what the URL authorizes.
inline result<presigned_url> presign_request(const http_request& req, const signing_config& cfg, time_point now,
                                             std::chrono::seconds valid_for, v4_key_cache* cache = nullptr,
                                             const dialect& d = oss_dialect) {
    if (valid_for.count() < 1)
        return make_error(errc::invalid_expiry, "a presigned URL must be valid for at least 1 second");
    auto expires = std::chrono::floor<std::chrono::seconds>(now) + valid_for;
    if (cfg.version == signature_version::v1) {
        auto r = presign_v1(req, cfg.creds, expires, cfg.v1, d);
        if (!r) return r.error();
        return presigned_url{std::move(r->url), std::move(r->headers), expires};
    }
    auto r = presign_v4(req, cfg.creds, now, expires, cfg.v4, cache, d);
    if (!r) return r.error();
    return presigned_url{std::move(r->url), std::move(r->headers), expires};
}

}  // namespace ossmp::inline v0
