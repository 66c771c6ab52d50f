// ossmp: what to do about a failed request, decided from its `ossmp::error` alone.
//
// The policy follows the official SDKs' standard retryer (go2 oss/retry, py2 retry/,
// cpp2 Defaults.h; shared/research/oss-protocol.md section 10) where they agree, and
// says so where it departs. It only classifies: how many attempts and how long to wait
// is the caller's (the upload machine's) business.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string_view>

#include <ossmp/error.hpp>
#include <ossmp/time.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

/// The three things a caller can do with a failed request.
enum class retry_class : std::uint8_t {
    retry,             ///< send the same request again (re-signed, as every attempt is)
    resign_and_retry,  ///< correct the signing clock or credentials first, then send again
    fatal,             ///< do not send it again; report the error
};

/// The advice for one error.
struct retry_advice {
    retry_class cls = retry_class::fatal;
    /// For RequestTimeTooSkewed: the server's clock from <ServerTime> when OSS sent it
    /// (ISO 8601), so the caller can sign with `now + (server_time - local now)`.
    std::optional<time_point> server_time;
};

namespace detail {
constexpr bool is_one_of(std::string_view code, std::initializer_list<std::string_view> list) noexcept {
    for (auto c : list)
        if (code == c) return true;
    return false;
}
}  // namespace detail

/// Classifies `e`. Decisions, in the order they are applied:
///   * errc::ok: fatal (there is nothing to retry).
///   * 1xx usage errors: fatal; the request was never valid.
///   * 4xx transport errors (connect, timeout, reset, TLS, other): retry. The SDKs retry
///     connection refused/reset/EOF/timeouts and TLS "bad record MAC"; a certificate
///     failure classed as transport_tls will simply exhaust the caller's attempt budget.
///   * crc_mismatch and digest_mismatch: retry. The bytes were damaged on the way; go2
///     and py2 retry "crc is inconsistent" (py2 InconsistentError).
///   * 2xx "response not understood" (malformed_response, xml_syntax, missing_field,
///     invalid_field, invalid_encoding) with a 2xx HTTP status: retry. A truncated or
///     garbled success body is a transport accident (py2 retries ResponseError). With any
///     other status, or for xml_limit / xml_forbidden (the same body would come back):
///     fatal. Note for Complete: a retried Complete whose first reply was lost may answer
///     NoSuchUpload although the object exists; the caller must check the object then.
///   * 3xx service errors, by OSS code first:
///       - RequestTimeTooSkewed: resign_and_retry with <ServerTime> when present (all SDKs
///         retry it; go2/py2 apply a clock offset, cpp1 parses ServerTime).
///       - NoSuchUpload, AccessDenied, NoSuchBucket, InvalidAccessKeyId, InvalidArgument,
///         EntityTooSmall, EntityTooLarge, InvalidPart, InvalidPartOrder, InvalidDigest,
///         MalformedXML, FileAlreadyExists, PartNotSequential, InvalidObjectName,
///         InvalidBucketName, UserDisable: fatal; resending the same request gives the
///         same answer (the SDKs do not retry them either).
///       - SignatureDoesNotMatch: fatal here. Every attempt is signed afresh anyway, so the
///         upload machine re-signs and resends once itself; repeating it beyond that only
///         repeats a wrong key or a wrongly encoded request.
///       - InternalError, ServiceUnavailable, SlowDown, RequestTimeout: retry.
///       - BadRequest: retry, as go2/py2 do (they list it among retryable codes; OSS uses
///         it for requests whose body arrived incomplete).
///     then by HTTP status: 5xx, 408 and 429 retry (all SDKs); 401 resign_and_retry (go2
///     and py2 retry 401; a fresh signature, with refreshed STS credentials if the caller
///     has a provider, is what it asks for); anything else fatal. callback_failed is fatal:
///     the object is stored, and resending Complete would fail with NoSuchUpload.
///   * 5xx band source_changed / source_short_read, 6xx lifecycle and 7xx local I/O:
///     fatal; resending cannot fix them.
inline retry_advice classify(const error& e) {
    using detail::is_one_of;
    const int b = band(e.code);
    const int status = e.http_status;
    const bool ok_status = status >= 200 && status <= 299;
    switch (b) {
    case 400: return {retry_class::retry, std::nullopt};
    case 500:
        if (e.code == errc::crc_mismatch || e.code == errc::digest_mismatch)
            return {retry_class::retry, std::nullopt};
        return {retry_class::fatal, std::nullopt};
    case 200:
        if (ok_status && (e.code == errc::malformed_response || e.code == errc::xml_syntax ||
                          e.code == errc::missing_field || e.code == errc::invalid_field ||
                          e.code == errc::invalid_encoding))
            return {retry_class::retry, std::nullopt};
        return {retry_class::fatal, std::nullopt};
    case 300: break;
    default: return {retry_class::fatal, std::nullopt};
    }
    if (e.code == errc::callback_failed || e.code == errc::no_such_upload)
        return {retry_class::fatal, std::nullopt};
    const std::string_view code = e.oss_code;
    if (code == "RequestTimeTooSkewed") {
        retry_advice a{retry_class::resign_and_retry, std::nullopt};
        std::string_view st = e.detail("ServerTime");
        if (!st.empty())
            if (auto t = parse_iso8601(st)) a.server_time = *t;
        return a;
    }
    if (is_one_of(code, {"NoSuchUpload", "AccessDenied", "NoSuchBucket", "InvalidAccessKeyId",
                         "SignatureDoesNotMatch", "InvalidArgument", "EntityTooSmall",
                         "EntityTooLarge", "InvalidPart", "InvalidPartOrder", "InvalidDigest",
                         "MalformedXML", "FileAlreadyExists", "PartNotSequential",
                         "InvalidObjectName", "InvalidBucketName", "UserDisable"}))
        return {retry_class::fatal, std::nullopt};
    if (is_one_of(code, {"InternalError", "ServiceUnavailable", "SlowDown", "RequestTimeout", "BadRequest"}))
        return {retry_class::retry, std::nullopt};
    if (status >= 500 || status == 408 || status == 429) return {retry_class::retry, std::nullopt};
    if (status == 401) return {retry_class::resign_and_retry, std::nullopt};
    return {retry_class::fatal, std::nullopt};
}

}  // namespace ossmp::inline v0
