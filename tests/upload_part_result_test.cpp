// UploadPart replies (headers only) and the common response_info.
#include <catch2/catch.hpp>

#include <ossmp/responses/upload_part_result.hpp>

using ossmp::errc;

namespace {
ossmp::http_response ok_reply() {
    ossmp::http_response r;
    r.status = 200;
    r.headers.add("x-oss-request-id", "534B371674E88A4D8906****");
    r.headers.add("ETag", "\"7265F4D211B56873A381D321F586****\"");
    r.headers.add("Content-MD5", "1B2M2Y8AsgTpgAmY7PhCfg==");
    r.headers.add("x-oss-hash-crc64ecma", "12066172435287683848");
    return r;
}
}  // namespace

TEST_CASE("upload part: a documented success") {
    auto r = ossmp::parse_upload_part_result(ok_reply(), 3);
    REQUIRE(r);
    CHECK(r->etag == "\"7265F4D211B56873A381D321F586****\"");
    CHECK(r->crc64 == 12066172435287683848ull);
    CHECK(r->content_md5 == "1B2M2Y8AsgTpgAmY7PhCfg==");
    CHECK(r->info.http_status == 200);
    CHECK(r->info.request_id == "534B371674E88A4D8906****");
    CHECK(r->info.crc64 == r->crc64);
}

TEST_CASE("upload part: header names come from the dialect, lookups ignore case") {
    auto resp = ok_reply();
    resp.headers.erase("x-oss-hash-crc64ecma");
    resp.headers.add("X-OSS-HASH-CRC64ECMA", "42");
    auto r = ossmp::parse_upload_part_result(resp, 1);
    REQUIRE(r);
    CHECK(r->crc64 == 42u);
    ossmp::dialect other = ossmp::oss_dialect;
    other.checksum.header = "x-amz-checksum-crc64nvme";
    other.request_id_header = "x-amz-request-id";
    auto s = ossmp::parse_upload_part_result(resp, 1, other);
    REQUIRE(s);
    CHECK(!s->crc64);
    CHECK(s->info.request_id.empty());
    resp.headers.erase("X-OSS-HASH-CRC64ECMA");
    auto t = ossmp::parse_upload_part_result(resp, 1);
    REQUIRE(t);
    CHECK(!t->crc64);  // absent is not an error: the caller just cannot check
}

TEST_CASE("upload part: a 200 without ETag is missing_field") {
    auto resp = ok_reply();
    resp.headers.erase("ETag");
    auto r = ossmp::parse_upload_part_result(resp, 7);
    REQUIRE(!r);
    CHECK(r.error().code == errc::missing_field);
    CHECK(r.error().op == ossmp::operation::upload_part);
    CHECK(r.error().part_number == 7);
    CHECK(r.error().http_status == 200);
    CHECK(r.error().request_id == "534B371674E88A4D8906****");
    resp.headers.add("ETag", "");
    CHECK(ossmp::parse_upload_part_result(resp, 7).error().code == errc::missing_field);
}

TEST_CASE("upload part: a CRC header that is not a u64 decimal is invalid_field") {
    for (const char* bad : {"18446744073709551616", "-1", "12a", "", "0x10", "1 2", "99999999999999999999999"}) {
        INFO(bad);
        auto resp = ok_reply();
        resp.headers.set("x-oss-hash-crc64ecma", bad);
        auto r = ossmp::parse_upload_part_result(resp, 2);
        REQUIRE(!r);
        CHECK(r.error().code == errc::invalid_field);
        CHECK(r.error().part_number == 2);
        CHECK(r.error().message.find("x-oss-hash-crc64ecma") != std::string::npos);
    }
    auto resp = ok_reply();
    resp.headers.set("x-oss-hash-crc64ecma", "18446744073709551615");
    CHECK(ossmp::parse_upload_part_result(resp, 2)->crc64 == 18446744073709551615ull);
    CHECK(ossmp::read_response_info(resp)->crc64 == 18446744073709551615ull);
}

TEST_CASE("upload part: errors in every form") {
    ossmp::http_response resp;
    resp.status = 404;
    resp.headers.add("x-oss-request-id", "5C3D");
    resp.body = "<Error><Code>NoSuchUpload</Code><Message>gone</Message></Error>";
    auto r = ossmp::parse_upload_part_result(resp, 5);
    REQUIRE(!r);
    CHECK(r.error().code == errc::no_such_upload);
    CHECK(r.error().part_number == 5);
    resp.body.clear();  // HEAD-style: the error travels in x-oss-err
    resp.headers.add("x-oss-err", ossmp::base64_encode("<Error><Code>AccessDenied</Code></Error>"));
    auto h = ossmp::parse_upload_part_result(resp, 5);
    REQUIRE(!h);
    CHECK(h.error().oss_code == "AccessDenied");
    auto ok_with_error = ok_reply();
    ok_with_error.body = "<Error><Code>InternalError</Code></Error>";
    auto e = ossmp::parse_upload_part_result(ok_with_error, 1);
    REQUIRE(!e);
    CHECK(e.error().code == errc::service_error);
    CHECK(e.error().http_status == 200);
}
