// ossmp: what to do about a failed request, decided from its `ossmp::error` alone: the
// retry rule (upload/retry_rules.hpp, where the whole table lives) seen by a caller that
// sends requests itself, outside an upload machine. It only classifies: how many attempts
// and how long to wait is the caller's business (the machine's: retry_policy.hpp).
#pragma once

#include <cstdint>
#include <optional>

#include <ossmp/error.hpp>
#include <ossmp/operation.hpp>
#include <ossmp/time.hpp>
#include <ossmp/upload/retry_rules.hpp>
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
    /// The service asked to slow down (SlowDown, 503, 429): wait longer than for other
    /// retries, and send less at once.
    bool slow_down = false;
};

/// Classifies `e` by the retry rule's rows for any operation (retry_rules.hpp lists them
/// with their reasons): transport failures, damaged bytes, garbled 2xx bodies, 5xx, 408,
/// InternalError, RequestTimeout and BadRequest retry; SlowDown, ServiceUnavailable, 503
/// and 429 retry as a slow-down; RequestTimeTooSkewed and 401 re-sign; everything else is
/// fatal, including SignatureDoesNotMatch (the upload machine re-signs it once itself;
/// beyond that it only repeats a wrong key), NoSuchUpload and callback failures.
inline retry_advice classify(const error& e) {
    retry_advice a;
    switch (verdict_for(operation::none, e)) {
    case verdict::retry: a.cls = retry_class::retry; break;
    case verdict::slow_down:
        a.cls = retry_class::retry;
        a.slow_down = true;
        break;
    case verdict::resign:
        a.cls = retry_class::resign_and_retry;
        a.server_time = server_time_of(e);
        break;
    case verdict::resign_once:
    case verdict::fatal:
    case verdict::done: a.cls = retry_class::fatal; break;
    }
    return a;
}

}  // namespace ossmp::inline v0
