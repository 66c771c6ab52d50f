// CompleteMultipartUpload replies: XML result, callback replies, 203.
#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>
#include <string>

#include <ossmp/responses/complete_result.hpp>

using ossmp::complete_callback;
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
    r.headers.add("x-oss-request-id", "534B371674E88A4D8906****");
    r.body = std::move(body);
    return r;
}
}  // namespace

TEST_CASE("complete: the go2 fixture with EncodingType url") {
    auto resp = reply(vector_file("CompleteMultipartUpload/go2_fixture_url.xml"));
    resp.headers.add("x-oss-hash-crc64ecma", "12066172435287683848");
    resp.headers.add("x-oss-version-id", "CAEQMxiBgMC0vs6D0BYiIGJiZWRjOTRjNTg0NzQ1MTRiN2Y1OTYxMTdkYjQ0****");
    auto r = ossmp::parse_complete_result(resp);
    REQUIRE(r);
    CHECK(r->encoding_type == "url");
    CHECK(r->bucket == "oss-example");
    CHECK(r->key == "demo/multipart.data");
    CHECK(r->etag == "\"097DE458AD02B5F89F9D0530231876****\"");
    CHECK(r->location == "http://oss-example.oss-cn-hangzhou.aliyuncs.com/multipart.data");
    CHECK(r->crc64 == 12066172435287683848ull);
    CHECK(r->version_id == "CAEQMxiBgMC0vs6D0BYiIGJiZWRjOTRjNTg0NzQ1MTRiN2Y1OTYxMTdkYjQ0****");
    CHECK(r->callback_body.empty());
}

TEST_CASE("complete: the documented sample, Location decoded only under url") {
    auto r = ossmp::parse_complete_result(reply(vector_file("CompleteMultipartUpload/docs.xml")));
    REQUIRE(r);
    CHECK(r->key == "multipart.data");
    CHECK(r->etag == "\"B864DB6A936D376F9F8D3ED3BBE540****\"");
    auto enc = ossmp::parse_complete_result(reply(
        "<CompleteMultipartUploadResult><EncodingType>url</EncodingType><Location>http%3A%2F%2Fb.oss%2Fa%2520b</Location>"
        "<Bucket>b</Bucket><Key>a%2520b</Key><ETag>e</ETag></CompleteMultipartUploadResult>"));
    REQUIRE(enc);
    CHECK(enc->location == "http://b.oss/a%20b");
    CHECK(enc->key == "a%20b");
}

TEST_CASE("complete: ETag from the header when the body has none, else missing_field") {
    auto resp = reply("<CompleteMultipartUploadResult><Bucket>b</Bucket><Key></Key></CompleteMultipartUploadResult>");
    resp.headers.add("ETag", "\"HDR\"");
    auto r = ossmp::parse_complete_result(resp);
    REQUIRE(r);
    CHECK(r->etag == "\"HDR\"");
    CHECK(r->key.empty());  // an empty key element is present, not missing
    resp.headers.erase("ETag");
    auto m = ossmp::parse_complete_result(resp);
    REQUIRE(!m);
    CHECK(m.error().code == errc::missing_field);
    CHECK(m.error().op == ossmp::operation::complete_multipart_upload);
    auto no_key = ossmp::parse_complete_result(
        reply("<CompleteMultipartUploadResult><Bucket>b</Bucket><ETag>e</ETag></CompleteMultipartUploadResult>"));
    REQUIRE(!no_key);
    CHECK(no_key.error().message.find("<Key>") != std::string::npos);
}

TEST_CASE("complete: with a callback the body is the callback server's reply") {
    auto resp = reply(vector_file("CompleteMultipartUpload/callback_reply.json"));
    resp.headers.add("Content-Type", "application/json");
    resp.headers.add("x-oss-version-id", "CAEQ");
    resp.headers.add("x-oss-hash-crc64ecma", "1206617243528768");
    resp.headers.add("ETag", "\"097DE458AD02B5F89F9D0530231876****\"");
    auto r = ossmp::parse_complete_result(resp, complete_callback::requested);
    REQUIRE(r);
    CHECK(r->callback_body == "{\"filename\":\"oss-obj.txt\",\"size\":\"100\",\"mimeType\":\"\",\"x\":\"a\",\"b\":\"b\"}");
    CHECK(r->bucket.empty());
    CHECK(r->etag == "\"097DE458AD02B5F89F9D0530231876****\"");
    CHECK(r->version_id == "CAEQ");
    CHECK(r->crc64 == 1206617243528768ull);
    // Without telling the parser, the same reply is not a Complete result.
    auto no = ossmp::parse_complete_result(resp);
    REQUIRE(!no);
    CHECK(no.error().code == errc::xml_syntax);
    // A callback server may also answer with XML; it is kept raw.
    auto xml = reply("<Status>OK</Status>");
    auto x = ossmp::parse_complete_result(xml, complete_callback::requested);
    REQUIRE(x);
    CHECK(x->callback_body == "<Status>OK</Status>");
}

TEST_CASE("complete: 203 is callback_failed, with the details") {
    auto resp = reply(vector_file("CompleteMultipartUpload/callback_failed_203.xml"), 203);
    for (auto cb : {complete_callback::requested, complete_callback::none}) {
        auto r = ossmp::parse_complete_result(resp, cb);
        REQUIRE(!r);
        CHECK(r.error().code == errc::callback_failed);
        CHECK(r.error().http_status == 203);
        CHECK(r.error().oss_code == "CallbackFailed");
        CHECK(r.error().message == "Error status : 502.");
        CHECK(r.error().ec == "0007-00000203");
    }
    auto via_header = reply("", 203);
    via_header.headers.add("x-oss-err", ossmp::base64_encode(vector_file("CompleteMultipartUpload/callback_failed_203.xml")));
    auto h = ossmp::parse_complete_result(via_header, complete_callback::requested);
    REQUIRE(!h);
    CHECK(h.error().code == errc::callback_failed);
    CHECK(h.error().oss_code == "CallbackFailed");
}

TEST_CASE("complete: errors of every form") {
    auto e = ossmp::parse_complete_result(reply(vector_file("Error/invalid_argument_complete_all.xml"), 400));
    REQUIRE(!e);
    CHECK(e.error().oss_code == "InvalidArgument");
    CHECK(e.error().ec == "0042-00000216");
    CHECK(e.error().detail("ArgumentName") == "x-oss-complete-all");
    // The documented trap: a 200 whose body is an <Error>.
    auto ok_error = ossmp::parse_complete_result(
        reply("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>InternalError</Code></Error>"),
        complete_callback::requested);
    REQUIRE(!ok_error);
    CHECK(ok_error.error().code == errc::service_error);
    auto junk = ossmp::parse_complete_result(reply("StrField1>StrField1</StrField1><StrField2>StrField2<"));
    REQUIRE(!junk);
    CHECK(junk.error().code == errc::xml_syntax);
    CHECK(junk.error().http_status == 200);
}
