// UploadPartCopy replies.
#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>
#include <string>

#include <ossmp/responses/copy_part_result.hpp>

using ossmp::errc;

namespace {
std::string vector_file(const std::string& rel) {
    std::ifstream in(std::string(OSSMP_SOURCE_DIR) + "/tests/vectors/xml/" + rel, std::ios::binary);
    REQUIRE(in.good());
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}
ossmp::http_response reply(std::string body, int status = 200) {
    ossmp::http_response r;
    r.status = status;
    r.body = std::move(body);
    return r;
}
}  // namespace

TEST_CASE("copy part: the documented sample and the source version header") {
    auto resp = reply(vector_file("UploadPartCopy/docs.xml"));
    resp.headers.add("x-oss-copy-source-version-id", "CAEQMxiBgMC0vs6D0BYiIGJiZWRjOTRjNTg0NzQ1MTRiN2Y1OTYxMTdkYjQ0****");
    resp.headers.add("x-oss-request-id", "rid");
    auto r = ossmp::parse_copy_part_result(resp, 4);
    REQUIRE(r);
    CHECK(r->etag == "\"5B3C1A2E053D763E1B002CC607C5****\"");
    CHECK(ossmp::format_iso8601(r->last_modified) == "2014-07-17T06:27:54.000Z");
    CHECK(r->source_version_id == "CAEQMxiBgMC0vs6D0BYiIGJiZWRjOTRjNTg0NzQ1MTRiN2Y1OTYxMTdkYjQ0****");
    CHECK(r->info.request_id == "rid");
}

TEST_CASE("copy part: required fields and bad values") {
    auto missing = ossmp::parse_copy_part_result(reply("<CopyPartResult><ETag>\"e\"</ETag></CopyPartResult>"), 2);
    REQUIRE(!missing);
    CHECK(missing.error().code == errc::missing_field);
    CHECK(missing.error().message.find("LastModified") != std::string::npos);
    CHECK(missing.error().part_number == 2);
    CHECK(missing.error().op == ossmp::operation::upload_part_copy);
    auto empty = ossmp::parse_copy_part_result(
        reply("<CopyPartResult><ETag></ETag><LastModified>2014-07-17T06:27:54.000Z</LastModified></CopyPartResult>"), 2);
    CHECK(empty.error().code == errc::missing_field);
    auto bad_time = ossmp::parse_copy_part_result(
        reply("<CopyPartResult><ETag>e</ETag><LastModified>yesterday</LastModified></CopyPartResult>"), 2);
    REQUIRE(!bad_time);
    CHECK(bad_time.error().code == errc::invalid_field);
    CHECK(bad_time.error().message.find("yesterday") != std::string::npos);
}

TEST_CASE("copy part: errors") {
    auto e = ossmp::parse_copy_part_result(reply(vector_file("Error/no_such_bucket.xml"), 404), 1);
    REQUIRE(!e);
    CHECK(e.error().oss_code == "NoSuchBucket");
    CHECK(e.error().part_number == 1);
    auto junk = ossmp::parse_copy_part_result(reply("StrField1>StrField1</StrField1><StrField2>StrField2<"), 1);
    REQUIRE(!junk);
    CHECK(junk.error().code == errc::xml_syntax);
}
