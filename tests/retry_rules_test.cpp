// The retry rule (upload/retry_rules.hpp): every service code and every errc the project
// knows, with the verdict it gets, for any operation and for the operations with rows of
// their own; the best-effort operations; and the governor that applies the rule with the
// policy (attempts per request, the upload's budget, the shared slow-down).
#include <catch2/catch.hpp>

#include <ossmp/responses/retry_advice.hpp>
#include <ossmp/upload/retry_rules.hpp>

#include <set>
#include <string>

using namespace ossmp;

namespace {

error service(int status, std::string code) {
    error e;
    e.code = code == "NoSuchUpload" ? errc::no_such_upload
             : code == "CallbackFailed" ? errc::callback_failed
                                        : errc::service_error;
    e.http_status = status;
    e.oss_code = std::move(code);
    return e;
}
error local(errc c, int status = 0) {
    auto e = make_error(c, "x");
    e.http_status = status;
    return e;
}

const char* name(verdict v) {
    switch (v) {
    case verdict::retry: return "retry";
    case verdict::slow_down: return "slow_down";
    case verdict::resign: return "resign";
    case verdict::resign_once: return "resign_once";
    case verdict::fatal: return "fatal";
    case verdict::done: return "done";
    }
    return "?";
}

struct service_row {
    const char* code;
    int status;
    verdict any_op;  // every operation but those with rows of their own
};

// Every <Code> the project meets: the official SDKs' multipart codes (research section 4),
// those the emulator and the test models answer with, and an unknown one.
const service_row service_rows[] = {
    {"NoSuchUpload", 404, verdict::fatal},
    {"InvalidPart", 400, verdict::fatal},
    {"InvalidPartOrder", 400, verdict::fatal},
    {"EntityTooSmall", 400, verdict::fatal},
    {"EntityTooLarge", 400, verdict::fatal},
    {"InvalidDigest", 400, verdict::fatal},
    {"InvalidArgument", 400, verdict::fatal},
    {"MalformedXML", 400, verdict::fatal},
    {"FileAlreadyExists", 409, verdict::fatal},
    {"PartNotSequential", 400, verdict::fatal},
    {"FilePartNotExist", 400, verdict::fatal},
    {"FilePartStale", 400, verdict::fatal},
    {"FilePartInterity", 400, verdict::fatal},
    {"RequestTimeTooSkewed", 403, verdict::resign},
    {"SignatureDoesNotMatch", 403, verdict::resign_once},
    {"AccessDenied", 403, verdict::fatal},
    {"InvalidAccessKeyId", 403, verdict::fatal},
    {"UserDisable", 403, verdict::fatal},
    {"NoSuchBucket", 404, verdict::fatal},
    {"NoSuchKey", 404, verdict::fatal},
    {"InvalidObjectName", 400, verdict::fatal},
    {"InvalidBucketName", 400, verdict::fatal},
    {"InvalidURI", 400, verdict::fatal},
    {"InvalidRequest", 400, verdict::fatal},
    {"InvalidRange", 416, verdict::fatal},
    {"PreconditionFailed", 412, verdict::fatal},
    {"BucketAlreadyExists", 409, verdict::fatal},
    {"CallbackFailed", 203, verdict::fatal},
    {"InternalError", 500, verdict::retry},
    {"RequestTimeout", 400, verdict::retry},
    {"BadRequest", 400, verdict::retry},
    {"SlowDown", 503, verdict::slow_down},
    {"ServiceUnavailable", 503, verdict::slow_down},
    {"TooManyRequests", 429, verdict::slow_down},
    {"SomethingNew", 500, verdict::retry},
    {"SomethingNew", 502, verdict::retry},
    {"SomethingNew", 503, verdict::slow_down},
    {"SomethingNew", 429, verdict::slow_down},
    {"SomethingNew", 408, verdict::retry},
    {"SomethingNew", 401, verdict::resign},
    {"SomethingNew", 400, verdict::fatal},
    {"SomethingNew", 404, verdict::fatal},
};

struct errc_row {
    errc code;
    int status;
    verdict any_op;
};

// Every errc, by band.
const errc_row errc_rows[] = {
    {errc::ok, 0, verdict::fatal},
    {errc::invalid_argument, 0, verdict::fatal},
    {errc::invalid_bucket_name, 0, verdict::fatal},
    {errc::invalid_object_key, 0, verdict::fatal},
    {errc::invalid_header_value, 0, verdict::fatal},
    {errc::invalid_endpoint, 0, verdict::fatal},
    {errc::invalid_region, 0, verdict::fatal},
    {errc::invalid_credentials, 0, verdict::fatal},
    {errc::invalid_part_number, 0, verdict::fatal},
    {errc::invalid_part_size, 0, verdict::fatal},
    {errc::too_many_parts, 0, verdict::fatal},
    {errc::object_too_large, 0, verdict::fatal},
    {errc::invalid_expiry, 0, verdict::fatal},
    {errc::wrong_state, 0, verdict::fatal},
    {errc::unknown_request, 0, verdict::fatal},
    {errc::duplicate_response, 0, verdict::fatal},
    {errc::unsupported, 0, verdict::fatal},
    {errc::malformed_response, 200, verdict::retry},
    {errc::malformed_response, 404, verdict::fatal},
    {errc::xml_syntax, 200, verdict::retry},
    {errc::xml_syntax, 0, verdict::fatal},
    {errc::xml_limit, 200, verdict::fatal},
    {errc::xml_forbidden, 200, verdict::fatal},
    {errc::json_syntax, 0, verdict::fatal},  // a credentials document: the provider answers the same again
    {errc::json_limit, 0, verdict::fatal},
    {errc::missing_field, 200, verdict::retry},
    {errc::invalid_field, 206, verdict::retry},
    {errc::invalid_encoding, 299, verdict::retry},
    {errc::invalid_encoding, 300, verdict::fatal},
    {errc::service_error, 0, verdict::fatal},
    {errc::no_such_upload, 404, verdict::fatal},
    {errc::callback_failed, 203, verdict::fatal},
    {errc::transport_connect, 0, verdict::retry},
    {errc::transport_timeout, 0, verdict::retry},
    {errc::transport_reset, 0, verdict::retry},
    {errc::transport_tls, 0, verdict::retry},
    {errc::transport_other, 0, verdict::retry},
    {errc::crc_mismatch, 200, verdict::retry},
    {errc::digest_mismatch, 0, verdict::retry},
    {errc::source_changed, 0, verdict::fatal},
    {errc::source_short_read, 0, verdict::fatal},
    {errc::cancelled, 0, verdict::fatal},
    {errc::retries_exhausted, 0, verdict::fatal},
    {errc::io_error, 0, verdict::fatal},
    {errc::checkpoint_invalid, 0, verdict::fatal},
    {errc::checkpoint_mismatch, 0, verdict::fatal},
    {errc::credentials_unavailable, 0, verdict::fatal},
};

constexpr operation all_ops[] = {
    operation::initiate_multipart_upload, operation::upload_part, operation::upload_part_copy,
    operation::complete_multipart_upload, operation::abort_multipart_upload, operation::list_parts,
    operation::head_object, operation::delete_object};

// The rows an operation has for itself: AbortMultipartUpload finds a gone upload done.
verdict expected(operation op, const error& e, verdict any_op) {
    if (op == operation::abort_multipart_upload && e.code == errc::no_such_upload) return verdict::done;
    return any_op;
}

retry_class projected(verdict v) {
    switch (v) {
    case verdict::retry:
    case verdict::slow_down: return retry_class::retry;
    case verdict::resign: return retry_class::resign_and_retry;
    default: return retry_class::fatal;
    }
}

}  // namespace

TEST_CASE("retry rule: every known service code, for every operation", "[retry][rules]") {
    for (const auto& row : service_rows) {
        auto e = service(row.status, row.code);
        for (auto op : all_ops) {
            INFO(row.code << " HTTP " << row.status << " in " << to_string(op));
            CHECK(name(verdict_for(op, e)) == std::string(name(expected(op, e, row.any_op))));
        }
        // classify() is the same rule for a caller outside an upload.
        INFO(row.code << " HTTP " << row.status);
        CHECK(classify(e).cls == projected(row.any_op));
        CHECK(classify(e).slow_down == (row.any_op == verdict::slow_down));
    }
}

TEST_CASE("retry rule: every errc, for every operation", "[retry][rules]") {
    std::set<int> seen;
    for (const auto& row : errc_rows) {
        seen.insert(static_cast<int>(row.code));
        auto e = local(row.code, row.status);
        for (auto op : all_ops) {
            INFO(to_string(row.code) << " HTTP " << row.status << " in " << to_string(op));
            CHECK(name(verdict_for(op, e)) == std::string(name(expected(op, e, row.any_op))));
        }
        CHECK(classify(e).cls == projected(row.any_op));
    }
    // The list above is complete: every errc has a row.
    for (int c = 0; c < 800; ++c)
        if (to_string(static_cast<errc>(c)) != "unknown error") {
            INFO("errc " << c << " (" << to_string(static_cast<errc>(c)) << ") has no row in this test");
            CHECK(seen.count(c));
        }
}

TEST_CASE("retry rule: the table ends in a catch-all and explains every row", "[retry][rules]") {
    const auto& last = retry_rules[std::size(retry_rules) - 1];
    CHECK(last.op == operation::none);
    CHECK(last.band == 0);
    CHECK(last.codes.empty());
    CHECK(last.oss_codes.empty());
    CHECK(last.then == verdict::fatal);
    for (const auto& r : retry_rules) {
        CHECK_FALSE(r.why.empty());
        CHECK(r.status_min <= r.status_max);
    }
    // Cleanup is best effort; everything else fails the upload.
    CHECK(when_stopped_for(operation::abort_multipart_upload) == when_stopped::best_effort);
    CHECK(when_stopped_for(operation::delete_object) == when_stopped::best_effort);
    for (auto op : {operation::initiate_multipart_upload, operation::upload_part, operation::upload_part_copy,
                    operation::complete_multipart_upload, operation::list_parts, operation::head_object})
        CHECK(when_stopped_for(op) == when_stopped::upload_fails);
}

namespace {
using step = retry_decision::next_step;
const time_point t0 = from_unix_seconds(1732450000);
}  // namespace

TEST_CASE("retry governor: attempts per request, then retries_exhausted", "[retry][governor]") {
    retry_policy p;
    p.max_attempts = 3;
    retry_governor g(p);
    attempts a;
    auto e = service(500, "InternalError");
    auto d1 = g.decide(operation::upload_part, a, e, t0, 10);
    CHECK(d1.next == step::again);
    CHECK(d1.at >= t0);
    CHECK(d1.at < t0 + duration(400));  // full jitter below base * 2
    CHECK(g.decide(operation::upload_part, a, e, t0, 10).next == step::again);
    auto d3 = g.decide(operation::upload_part, a, e, t0, 10);
    CHECK(d3.next == step::fail);
    CHECK(d3.final_error.code == errc::retries_exhausted);
    CHECK(d3.final_error.message.find("gave up after 3 attempts; last error: ") == 0);
    CHECK(d3.final_error.oss_code == "InternalError");
    CHECK(g.spent() == 2);
}

TEST_CASE("retry governor: fatal, done, resign and resign_once", "[retry][governor]") {
    retry_governor g(retry_policy{});
    attempts a;
    auto denied = g.decide(operation::upload_part, a, service(403, "AccessDenied"), t0, 1);
    CHECK(denied.next == step::fail);
    CHECK(denied.final_error.oss_code == "AccessDenied");
    CHECK(g.decide(operation::abort_multipart_upload, a, service(404, "NoSuchUpload"), t0, 1).next == step::done);

    auto skew = service(403, "RequestTimeTooSkewed");
    skew.details.emplace_back("ServerTime", format_iso8601(t0 + std::chrono::hours(1)));
    auto r = g.decide(operation::complete_multipart_upload, a, skew, t0, 1);
    CHECK(r.next == step::again);
    CHECK(r.at == t0);
    REQUIRE(r.clock_offset);
    CHECK(*r.clock_offset == std::chrono::hours(1));

    attempts b;
    auto sig = service(403, "SignatureDoesNotMatch");
    auto once = g.decide(operation::initiate_multipart_upload, b, sig, t0, 1);
    CHECK(once.next == step::again);
    CHECK(once.at == t0);
    CHECK(b.resigned_once);
    auto twice = g.decide(operation::initiate_multipart_upload, b, sig, t0, 1);
    CHECK(twice.next == step::fail);
    CHECK(twice.final_error.oss_code == "SignatureDoesNotMatch");
}

TEST_CASE("retry governor: best-effort requests give up with their own error", "[retry][governor]") {
    retry_policy p;
    p.max_attempts = 2;
    retry_governor g(p);
    attempts a;
    auto denied = g.decide(operation::abort_multipart_upload, a, service(403, "AccessDenied"), t0, 1);
    CHECK(denied.next == step::give_up);
    CHECK(denied.final_error.oss_code == "AccessDenied");
    attempts b;
    auto reset = local(errc::transport_reset);
    CHECK(g.decide(operation::delete_object, b, reset, t0, 1).next == step::again);
    auto out = g.decide(operation::delete_object, b, reset, t0, 1);
    CHECK(out.next == step::give_up);
    CHECK(out.final_error.code == errc::transport_reset);
}

TEST_CASE("retry governor: throttling uses the budget, not the attempts, and slows everyone", "[retry][governor]") {
    retry_policy p;
    p.max_attempts = 2;
    p.base_delay = duration(100);
    p.max_delay = duration(10000);
    retry_governor g(p);
    attempts a;
    auto slow = service(503, "SlowDown");
    time_point last = t0;
    for (int i = 0; i < 20; ++i) {  // far beyond max_attempts
        auto d = g.decide(operation::upload_part, a, slow, t0, 100);
        REQUIRE(d.next == step::again);
        CHECK(d.at >= last);  // the pause only grows while the throttling lasts
        last = d.at;
    }
    CHECK(a.failures == 0);
    CHECK(g.not_before() == last);
    CHECK(last > t0 + duration(5000));  // doubled up to the cap, with equal jitter
    CHECK(last <= t0 + duration(20 * 10000));
    // Successes ease the pace: the next pause starts low again.
    for (int i = 0; i < 40; ++i) g.succeeded();
    auto later = last + duration(1);
    auto d = g.decide(operation::upload_part, a, slow, later, 100);
    CHECK(d.at >= later + duration(100));  // level 1: [base, 2 * base)
    CHECK(d.at < later + duration(200));
}

TEST_CASE("retry governor: the budget scales with the parts and ends the upload when spent", "[retry][governor]") {
    CHECK(retry_policy{}.budget_for(10000) == 10100);
    retry_policy fixed;
    fixed.retry_budget = 3;
    CHECK(fixed.budget_for(10000) == 3);
    fixed.max_attempts = 100;
    retry_governor g(fixed);
    attempts a, b;
    auto e = service(500, "InternalError");
    CHECK(g.decide(operation::upload_part, a, e, t0, 1).next == step::again);
    CHECK(g.decide(operation::upload_part, b, e, t0, 1).next == step::again);
    CHECK(g.decide(operation::upload_part, a, service(503, "SlowDown"), t0, 1).next == step::again);
    auto d = g.decide(operation::upload_part, b, e, t0, 1);
    CHECK(d.next == step::fail);
    CHECK(d.final_error.code == errc::retries_exhausted);
    CHECK(d.final_error.message.find("retry budget of 3 retries is spent") != std::string::npos);
}
