// classify(): one decision per error kind, as documented in retry_advice.hpp.
#include <catch2/catch.hpp>

#include <ossmp/responses/retry_advice.hpp>
#include <ossmp/responses/service_error.hpp>

using ossmp::errc;
using ossmp::retry_class;

namespace {
ossmp::error service(int status, std::string code) {
    ossmp::error e;
    e.code = code == "NoSuchUpload" ? errc::no_such_upload : errc::service_error;
    e.http_status = status;
    e.oss_code = std::move(code);
    return e;
}
ossmp::error local(errc c, int status = 0) {
    ossmp::error e = ossmp::make_error(c, "x");
    e.http_status = status;
    return e;
}
retry_class cls(const ossmp::error& e) { return ossmp::classify(e).cls; }
}  // namespace

TEST_CASE("retry: RequestTimeTooSkewed re-signs with the server time") {
    ossmp::http_response resp;
    resp.status = 403;
    resp.body = "<Error><Code>RequestTimeTooSkewed</Code><ServerTime>2023-11-22T05:42:34.000Z</ServerTime></Error>";
    auto e = ossmp::parse_service_error(resp, ossmp::operation::upload_part, 1);
    REQUIRE(e);
    auto a = ossmp::classify(*e);
    CHECK(a.cls == retry_class::resign_and_retry);
    REQUIRE(a.server_time);
    CHECK(ossmp::format_iso8601(*a.server_time) == "2023-11-22T05:42:34.000Z");
    auto no_time = service(403, "RequestTimeTooSkewed");
    CHECK(ossmp::classify(no_time).cls == retry_class::resign_and_retry);
    CHECK(!ossmp::classify(no_time).server_time);
    no_time.details.emplace_back("ServerTime", "not a time");
    CHECK(!ossmp::classify(no_time).server_time);
}

TEST_CASE("retry: status-based decisions") {
    for (int st : {500, 502, 503, 504, 599, 408, 429}) {
        INFO(st);
        CHECK(cls(service(st, "")) == retry_class::retry);
        CHECK(cls(service(st, "SomethingNew")) == retry_class::retry);
    }
    CHECK(cls(service(401, "")) == retry_class::resign_and_retry);
    for (int st : {400, 403, 404, 405, 409, 411, 412, 416}) {
        INFO(st);
        CHECK(cls(service(st, "SomethingNew")) == retry_class::fatal);
    }
}

TEST_CASE("retry: code-based decisions win over the status") {
    for (const char* c : {"InternalError", "ServiceUnavailable", "SlowDown", "RequestTimeout", "BadRequest"}) {
        INFO(c);
        CHECK(cls(service(400, c)) == retry_class::retry);
    }
    for (const char* c : {"NoSuchUpload", "AccessDenied", "NoSuchBucket", "InvalidAccessKeyId",
                          "SignatureDoesNotMatch", "InvalidArgument", "EntityTooSmall", "InvalidPart",
                          "InvalidPartOrder", "FileAlreadyExists", "InvalidDigest", "MalformedXML"}) {
        INFO(c);
        CHECK(cls(service(403, c)) == retry_class::fatal);
        CHECK(cls(service(503, c)) == retry_class::fatal);
        CHECK(cls(service(401, c)) == retry_class::fatal);
    }
}

TEST_CASE("retry: callback failures and gone uploads are final") {
    auto cb = service(203, "CallbackFailed");
    cb.code = errc::callback_failed;
    CHECK(cls(cb) == retry_class::fatal);
    CHECK(cls(service(404, "NoSuchUpload")) == retry_class::fatal);
}

TEST_CASE("retry: local error bands") {
    for (errc c : {errc::transport_connect, errc::transport_timeout, errc::transport_reset, errc::transport_tls,
                   errc::transport_other, errc::crc_mismatch, errc::digest_mismatch}) {
        INFO(int(c));
        CHECK(cls(local(c)) == retry_class::retry);
    }
    for (errc c : {errc::ok, errc::invalid_argument, errc::invalid_part_number, errc::wrong_state, errc::unsupported,
                   errc::source_changed, errc::source_short_read, errc::cancelled, errc::retries_exhausted,
                   errc::io_error, errc::checkpoint_invalid}) {
        INFO(int(c));
        CHECK(cls(local(c)) == retry_class::fatal);
    }
}

TEST_CASE("retry: a garbled 2xx body is retried, other response errors are not") {
    for (errc c : {errc::malformed_response, errc::xml_syntax, errc::missing_field, errc::invalid_field,
                   errc::invalid_encoding}) {
        INFO(int(c));
        CHECK(cls(local(c, 200)) == retry_class::retry);
        CHECK(cls(local(c, 0)) == retry_class::fatal);
        CHECK(cls(local(c, 404)) == retry_class::fatal);
    }
    CHECK(cls(local(errc::xml_limit, 200)) == retry_class::fatal);
    CHECK(cls(local(errc::xml_forbidden, 200)) == retry_class::fatal);
    // End to end: a truncated ListParts body.
    ossmp::http_response resp;
    resp.status = 200;
    resp.body = "<ListPartsResult><Bucket>b</Bucket><Part><PartNum";
    ossmp::xml::reader r(resp.body);
    while (r.next() != ossmp::xml::token::error) {
    }
    ossmp::error e = r.error();
    e.http_status = 200;
    CHECK(cls(e) == retry_class::retry);
}
