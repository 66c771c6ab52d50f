// ossmp: the whole retry rule, in one room. For a failed request it answers: send it again
// after a backoff, wait out the slow-down the service asked for, re-sign it, count it as
// done, or stop; and, when a request stops, whether the upload fails or goes on without it
// (best-effort cleanup). The two tables below are the rule; a reader can scan them top to
// bottom. How long to wait and how many times is the policy object's (retry_policy.hpp).
// The upload machine asks retry_governor::decide and nothing else; classify()
// (responses/retry_advice.hpp) is the same table seen from outside an upload.
//
// The rows follow the official SDKs' standard retryer (go2 oss/retry, py2 retry/, cpp2
// Defaults.h; shared/research/oss-protocol.md section 10) where they agree, and say so where
// they depart.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <ossmp/error.hpp>
#include <ossmp/operation.hpp>
#include <ossmp/time.hpp>
#include <ossmp/upload/retry_policy.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

/// What to do about one failed request.
enum class verdict : std::uint8_t {
    retry,        ///< send again after a backoff delay; uses one of the request's attempts
    slow_down,    ///< the service is throttling: send again once the upload-wide slow-down has
                  ///< passed; uses the upload's retry budget, not the request's attempts
    resign,       ///< correct the signing clock (<ServerTime>) and send again at once
    resign_once,  ///< send again at once, freshly signed, once per request; fatal the second time
    fatal,        ///< do not send again
    done,         ///< the request's goal is already met: count it as a success
};

/// One row of the rule: when a failure of `op` (operation::none: any operation) matches
/// every given criterion, the verdict is `then`.
struct retry_rule {
    operation op = operation::none;                ///< operation::none: any operation
    int band = 0;                                  ///< errc band (100, 200, ... 700); 0: any band
    std::span<const errc> codes;                   ///< one of these errcs; empty: any
    std::span<const std::string_view> oss_codes;   ///< one of these <Code>s; empty: any
    int status_min = 0;                            ///< HTTP status range, inclusive
    int status_max = 999;
    verdict then = verdict::fatal;
    std::string_view why;
};

namespace detail {
// The shapes of rows, so the table reads as one line per rule.
constexpr retry_rule when_band(int band, verdict v, std::string_view why) {
    return {operation::none, band, {}, {}, 0, 999, v, why};
}
constexpr retry_rule when_code(std::span<const errc> codes, verdict v, std::string_view why) {
    return {operation::none, 0, codes, {}, 0, 999, v, why};
}
constexpr retry_rule when_2xx_code(std::span<const errc> codes, verdict v, std::string_view why) {
    return {operation::none, 0, codes, {}, 200, 299, v, why};
}
constexpr retry_rule when_said(std::span<const std::string_view> codes, verdict v, std::string_view why) {
    return {operation::none, 300, {}, codes, 0, 999, v, why};
}
constexpr retry_rule when_status(int lo, int hi, verdict v, std::string_view why) {
    return {operation::none, 300, {}, {}, lo, hi, v, why};
}
constexpr retry_rule for_op(operation op, retry_rule r) {
    r.op = op;
    return r;
}

inline constexpr errc nothing[] = {errc::ok};
inline constexpr errc gone[] = {errc::no_such_upload};
inline constexpr errc damaged[] = {errc::crc_mismatch, errc::digest_mismatch};
inline constexpr errc garbled[] = {errc::malformed_response, errc::xml_syntax, errc::missing_field,
                                   errc::invalid_field, errc::invalid_encoding};
inline constexpr errc callback[] = {errc::callback_failed};
inline constexpr std::string_view skewed[] = {"RequestTimeTooSkewed"};
inline constexpr std::string_view bad_signature[] = {"SignatureDoesNotMatch"};
inline constexpr std::string_view permanent[] = {
    "AccessDenied", "NoSuchBucket", "InvalidAccessKeyId", "InvalidArgument", "EntityTooSmall", "EntityTooLarge",
    "InvalidPart", "InvalidPartOrder", "InvalidDigest", "MalformedXML", "FileAlreadyExists", "PartNotSequential",
    "InvalidObjectName", "InvalidBucketName", "UserDisable"};
inline constexpr std::string_view throttling[] = {"SlowDown", "ServiceUnavailable"};
inline constexpr std::string_view transient[] = {"InternalError", "RequestTimeout", "BadRequest"};
}  // namespace detail

// clang-format off
/// The rule. First matching row wins.
inline constexpr retry_rule retry_rules[] = {
    detail::for_op(operation::abort_multipart_upload, detail::when_code(detail::gone, verdict::done, "the upload is already gone: nothing is left to abort")),
    detail::when_code(detail::nothing, verdict::fatal, "nothing failed"),
    detail::when_band(100, verdict::fatal, "the request was never valid; nothing was sent"),
    detail::when_band(400, verdict::retry, "connect, timeout, reset, TLS (SDKs retry these; a bad certificate uses up the attempts)"),
    detail::when_code(detail::damaged, verdict::retry, "bytes damaged on the way (go2/py2 retry 'crc is inconsistent', py2 InconsistentError)"),
    detail::when_band(500, verdict::fatal, "the source changed or ended early: resending cannot fix it"),
    detail::when_2xx_code(detail::garbled, verdict::retry, "a garbled or truncated success answer is a transport accident (py2 retries ResponseError)"),
    detail::when_band(200, verdict::fatal, "xml_limit, xml_forbidden, an unreadable non-success answer: the same body would come back"),
    detail::when_code(detail::callback, verdict::fatal, "the object is stored; resending Complete would find no upload"),
    detail::when_code(detail::gone, verdict::fatal, "completed or aborted (after an unclear Complete the machine checks the object)"),
    detail::when_said(detail::skewed, verdict::resign, "the clock is off: sign with the server's (all SDKs retry it; go2/py2 apply an offset)"),
    detail::when_said(detail::bad_signature, verdict::resign_once, "a clock or token may have changed while it waited; twice means a wrong key"),
    detail::when_said(detail::permanent, verdict::fatal, "the same request gets the same answer (the SDKs do not retry these either)"),
    detail::when_said(detail::throttling, verdict::slow_down, "the service asks every request to slow down"),
    detail::when_said(detail::transient, verdict::retry, "transient (go2/py2 also retry BadRequest: OSS uses it for incomplete bodies)"),
    detail::when_status(429, 429, verdict::slow_down, "Too Many Requests"),
    detail::when_status(503, 503, verdict::slow_down, "Service Unavailable: OSS's throttling status"),
    detail::when_status(500, 599, verdict::retry, "server errors (all SDKs)"),
    detail::when_status(408, 408, verdict::retry, "Request Timeout (all SDKs)"),
    detail::when_status(401, 401, verdict::resign, "go2/py2 retry 401: a fresh signature (and credentials) is what it asks for"),
    detail::when_band(0, verdict::fatal, "anything else (other 4xx, 6xx lifecycle, 7xx local I/O): the same request gets the same answer"),
};
// clang-format on

/// What a request's final failure (a fatal verdict, or no attempts left) means for the upload.
enum class when_stopped : std::uint8_t {
    upload_fails,  ///< the upload fails with the request's error
    best_effort,   ///< cleanup: the upload goes on, or ends as it was ending, without it
};

struct stop_rule {
    operation op;
    when_stopped then;
    std::string_view why;
};

/// Operations whose failure does not fail the upload; every other operation's does.
// clang-format off
inline constexpr stop_rule stop_rules[] = {
    {operation::abort_multipart_upload, when_stopped::best_effort, "cleanup of a failed, cancelled or replaced upload; the error says parts may remain"},
    {operation::delete_object,          when_stopped::best_effort, "cleanup of an object that failed its CRC check; the error says so"},
};
// clang-format on

/// The verdict of the rule for a failure `e` of operation `op` (operation::none: the rows
/// that apply to every operation).
inline verdict verdict_for(operation op, const error& e) noexcept {
    const int status = e.http_status;
    for (const auto& r : retry_rules) {
        if (r.op != operation::none && r.op != op) continue;
        if (r.band != 0 && band(e.code) != r.band) continue;
        if (!r.codes.empty() && std::find(r.codes.begin(), r.codes.end(), e.code) == r.codes.end()) continue;
        if (!r.oss_codes.empty() &&
            std::find(r.oss_codes.begin(), r.oss_codes.end(), std::string_view(e.oss_code)) == r.oss_codes.end())
            continue;
        if (status < r.status_min || status > r.status_max) continue;
        return r.then;
    }
    return verdict::fatal;
}

/// What a final failure of `op` means for the upload.
constexpr when_stopped when_stopped_for(operation op) noexcept {
    for (const auto& r : stop_rules)
        if (r.op == op) return r.then;
    return when_stopped::upload_fails;
}

/// The server's clock from a RequestTimeTooSkewed <ServerTime>, when it sent one.
inline std::optional<time_point> server_time_of(const error& e) {
    std::string_view st = e.detail("ServerTime");
    if (st.empty()) return std::nullopt;
    auto t = parse_iso8601(st);
    if (!t) return std::nullopt;
    return *t;
}

/// One request's retry bookkeeping, kept by its owner across attempts.
struct attempts {
    std::uint32_t failures = 0;  ///< failed attempts that count against max_attempts
    bool resigned_once = false;  ///< the one re-signed attempt of resign_once was used
};

/// What to do next with a failed request.
struct retry_decision {
    enum class next_step : std::uint8_t {
        again,    ///< send it again, signed afresh, not before `at`
        done,     ///< count the request as a success
        give_up,  ///< best effort: stop trying; the upload carries on without it
        fail,     ///< the upload fails with `final_error`
    };
    next_step next = next_step::fail;
    time_point at{};                       ///< again: not before this
    std::optional<duration> clock_offset;  ///< resign: sign with now + this from now on
    error final_error;                     ///< give_up, fail: what stopped it
};

/// Applies the rule and the policy for one upload: attempts per request, the upload's
/// retry budget, backoff, and the slow-down all requests share.
class retry_governor {
public:
    explicit retry_governor(const retry_policy& p) : policy_(p), backoff_(p), slow_(p) {}

    /// Decides about failure `e` of a request of operation `op`, whose bookkeeping is `a`,
    /// at `now`, in an upload of `parts` parts (for the budget).
    retry_decision decide(operation op, attempts& a, error e, time_point now, std::uint64_t parts) {
        using step = retry_decision::next_step;
        auto v = verdict_for(op, e);
        if (v == verdict::done) return {step::done, now, std::nullopt, {}};
        if (v == verdict::fatal || (v == verdict::resign_once && a.resigned_once)) return stop(op, e, e);
        if (v == verdict::resign_once) a.resigned_once = true;
        if (v != verdict::slow_down && ++a.failures >= policy_.max_attempts)
            return stop(op, e, exhausted(e, "gave up after " + std::to_string(a.failures) + " attempts"));
        if (spent_ >= policy_.budget_for(parts))
            return stop(op, e, exhausted(e, "the upload's retry budget of " + std::to_string(spent_) +
                                                " retries is spent"));
        ++spent_;
        switch (v) {
        case verdict::resign: {
            retry_decision d{step::again, now, std::nullopt, {}};
            if (auto st = server_time_of(e)) d.clock_offset = std::chrono::duration_cast<duration>(*st - now);
            return d;
        }
        case verdict::resign_once: return {step::again, now, std::nullopt, {}};
        case verdict::slow_down: return {step::again, slow_.throttled(now), std::nullopt, {}};
        default: return {step::again, now + backoff_.delay(a.failures), std::nullopt, {}};
        }
    }

    /// A request succeeded: the shared slow-down eases.
    void succeeded() noexcept { slow_.succeeded(); }
    /// No request may be sent before this (the shared slow-down).
    time_point not_before() const noexcept { return slow_.until(); }
    /// Retries decided so far, all requests together.
    std::uint64_t spent() const noexcept { return spent_; }
    const retry_policy& policy() const noexcept { return policy_; }

private:
    static error exhausted(const error& e, const std::string& why) {
        error x = e;
        x.code = errc::retries_exhausted;
        x.message = why + "; last error: " + e.what();
        return x;
    }
    // A best-effort request gives up with its own last error; any other fails the upload
    // with `final` (the last error, or retries_exhausted naming it).
    static retry_decision stop(operation op, const error& last, const error& final) {
        if (when_stopped_for(op) == when_stopped::best_effort)
            return {retry_decision::next_step::give_up, {}, std::nullopt, last};
        return {retry_decision::next_step::fail, {}, std::nullopt, final};
    }

    retry_policy policy_;
    backoff backoff_;
    slow_down slow_;
    std::uint64_t spent_ = 0;
};

}  // namespace ossmp::inline v0
