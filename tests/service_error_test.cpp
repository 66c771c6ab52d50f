// Recognising error replies in every form OSS (or something in front of it) sends.
#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>
#include <string>

#include <ossmp/responses/service_error.hpp>

using ossmp::errc;
using ossmp::operation;

namespace {
std::string vector_file(const std::string& rel) {
    std::ifstream in(std::string(OSSMP_SOURCE_DIR) + "/tests/vectors/xml/" + rel, std::ios::binary);
    REQUIRE(in.good());
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}
ossmp::http_response reply(int status, std::string body = {}) {
    ossmp::http_response r;
    r.status = status;
    r.body = std::move(body);
    return r;
}
}  // namespace

TEST_CASE("service error: successes are not errors") {
    CHECK(!ossmp::parse_service_error(reply(200, "<InitiateMultipartUploadResult/>"), operation::initiate_multipart_upload));
    CHECK(!ossmp::parse_service_error(reply(200), operation::upload_part, 3));
    CHECK(!ossmp::parse_service_error(reply(204), operation::abort_multipart_upload));
    CHECK(!ossmp::parse_service_error(reply(206, "bytes"), operation::get_object));
    // A 2xx body that is not XML is the typed parser's problem, not a service error.
    CHECK(!ossmp::parse_service_error(reply(200, "{\"a\":1}"), operation::complete_multipart_upload));
    // 203 is only a callback failure where a callback can run.
    CHECK(!ossmp::parse_service_error(reply(203), operation::list_parts));
}

TEST_CASE("service error: an <Error> body fills every field") {
    auto resp = reply(404, vector_file("Error/no_such_bucket.xml"));
    resp.headers.add("x-oss-request-id", "from-header");
    auto e = ossmp::parse_service_error(resp, operation::list_parts);
    REQUIRE(e);
    CHECK(e->code == errc::service_error);
    CHECK(e->op == operation::list_parts);
    CHECK(e->http_status == 404);
    CHECK(e->oss_code == "NoSuchBucket");
    CHECK(e->message == "The specified bucket does not exist.");
    CHECK(e->request_id == "5C3D9175B6FC201293AD****");  // body wins over the header
    CHECK(e->host_id == "test.oss-cn-hangzhou.aliyuncs.com");
    CHECK(e->ec == "0015-00000101");
    CHECK(e->detail("BucketName") == "test");
    CHECK(e->what() == "ListParts: NoSuchBucket: The specified bucket does not exist. (HTTP 404, request id "
                       "5C3D9175B6FC201293AD****, EC 0015-00000101)");
}

TEST_CASE("service error: NoSuchUpload, xmlns on the root, and the part number") {
    auto e = ossmp::parse_service_error(reply(404, vector_file("Error/no_such_upload.xml")), operation::upload_part, 9);
    REQUIRE(e);
    CHECK(e->code == errc::no_such_upload);
    CHECK(e->part_number == 9);
    CHECK(e->ec == "0042-00000002");
    CHECK(e->detail("UploadId") == "0004B999EF5A239BB9138C6227D6****");
}

TEST_CASE("service error: details keep order and decoded text") {
    auto e = ossmp::parse_service_error(reply(400, vector_file("Error/invalid_argument_complete_all.xml")),
                                        operation::complete_multipart_upload);
    REQUIRE(e);
    REQUIRE(e->details.size() == 3);
    CHECK(e->details[0] == std::pair<std::string, std::string>{"ArgumentName", "x-oss-complete-all"});
    CHECK(e->details[1].first == "ArgumentValue");
    CHECK(e->details[2].first == "RecommendDoc");
    auto s = ossmp::parse_service_error(reply(403, vector_file("Error/signature_does_not_match.xml")),
                                        operation::upload_part, 1);
    REQUIRE(s);
    CHECK(s->detail("StringToSign") ==
          "PUT\n\n\nWed, 28 Dec 2022 10:27:41 GMT\n/oss-example/multipart.data?partNumber=1&uploadId=0004B9895DBBB6EC9");
    auto t = ossmp::parse_service_error(reply(403, vector_file("Error/request_time_too_skewed.xml")), operation::list_parts);
    REQUIRE(t);
    CHECK(t->detail("ServerTime") == "2023-11-22T05:42:34.000Z");
}

TEST_CASE("service error: a 200 whose body is <Error> is an error") {
    auto e = ossmp::parse_service_error(reply(200, "<?xml version=\"1.0\"?>\n<Error><Code>InternalError</Code>"
                                                   "<Message>We encountered an internal error.</Message></Error>"),
                                        operation::complete_multipart_upload);
    REQUIRE(e);
    CHECK(e->code == errc::service_error);
    CHECK(e->http_status == 200);
    CHECK(e->oss_code == "InternalError");
    // A truncated <Error> inside a 200 is a broken response rather than a service answer.
    auto t = ossmp::parse_service_error(reply(200, "<Error><Code>InternalError</Code><Mess"), operation::list_parts);
    REQUIRE(t);
    CHECK(t->code == errc::malformed_response);
    CHECK(t->oss_code == "InternalError");
}

TEST_CASE("service error: the x-oss-err header of a bodiless reply") {
    auto resp = reply(404);
    resp.headers.add("x-oss-err", ossmp::base64_encode(vector_file("Error/no_such_upload.xml")));
    resp.headers.add("x-oss-ec", "0042-00000002");
    auto e = ossmp::parse_service_error(resp, operation::head_object);
    REQUIRE(e);
    CHECK(e->code == errc::no_such_upload);
    CHECK(e->oss_code == "NoSuchUpload");
    CHECK(e->request_id == "5C3D9175B6FC201293AD****");
    auto bad = reply(403);
    bad.headers.add("x-oss-err", "%%%not base64");
    bad.headers.add("x-oss-request-id", "5C3D");
    auto b = ossmp::parse_service_error(bad, operation::head_object);
    REQUIRE(b);
    CHECK(b->code == errc::service_error);
    CHECK(b->message.find("x-oss-err") != std::string::npos);
    CHECK(b->request_id == "5C3D");
    // The header is ignored when the body carries the error.
    auto both = reply(404, "<Error><Code>NoSuchKey</Code></Error>");
    both.headers.add("x-oss-err", ossmp::base64_encode("<Error><Code>Other</Code></Error>"));
    CHECK(ossmp::parse_service_error(both, operation::get_object)->oss_code == "NoSuchKey");
    ossmp::dialect no_err_header = ossmp::oss_dialect;
    no_err_header.error_header = "";
    auto n = ossmp::parse_service_error(resp, operation::head_object, 0, no_err_header);
    REQUIRE(n);
    CHECK(n->oss_code.empty());
    CHECK(n->message == "HTTP 404 with an empty body");
}

TEST_CASE("service error: EC from the body, else from the header") {
    auto resp = reply(403, "<Error><Code>AccessDenied</Code><EC>0003-00000001</EC></Error>");
    resp.headers.add("x-oss-ec", "9999-99999999");
    CHECK(ossmp::parse_service_error(resp, operation::upload_part)->ec == "0003-00000001");
    auto no_ec = reply(403, "<Error><Code>AccessDenied</Code></Error>");
    no_ec.headers.add("X-Oss-Ec", "0003-00000002");
    CHECK(ossmp::parse_service_error(no_ec, operation::upload_part)->ec == "0003-00000002");
}

TEST_CASE("service error: non-XML bodies still give a useful, bounded error") {
    auto html = reply(502, vector_file("Error/proxy_502.html"));
    html.headers.add("x-oss-request-id", "rid");
    auto e = ossmp::parse_service_error(html, operation::upload_part, 2);
    REQUIRE(e);
    CHECK(e->code == errc::service_error);
    CHECK(e->http_status == 502);
    CHECK(e->oss_code.empty());
    CHECK(e->request_id == "rid");
    CHECK(e->message.find("502 Bad Gateway") != std::string::npos);
    CHECK(e->message.find('\n') == std::string::npos);
    auto json = reply(503, "{\"Code\":\"ServiceUnavailable\",\"Message\":\"busy\"}");
    CHECK(ossmp::parse_service_error(json, operation::list_parts)->message.find("ServiceUnavailable") !=
          std::string::npos);
    auto empty = ossmp::parse_service_error(reply(500), operation::list_parts);
    REQUIRE(empty);
    CHECK(empty->message == "HTTP 500 with an empty body");
    std::string huge(5u << 20, 'A');
    huge[10] = '\x01';
    huge[11] = '\xff';
    auto h = ossmp::parse_service_error(reply(500, huge), operation::list_parts);
    REQUIRE(h);
    CHECK(h->message.size() < 400);
    CHECK(h->message.find("AAAA??AAAA") != std::string::npos);
    // An XML body with another root is not an OSS error document either.
    auto other = ossmp::parse_service_error(reply(400, "<html><body>bad</body></html>"), operation::list_parts);
    REQUIRE(other);
    CHECK(other->code == errc::service_error);
    CHECK(other->message.find("<html>") != std::string::npos);
}

TEST_CASE("service error: huge fields are bounded") {
    std::string body = "<Error><Code>X</Code><Message>" + std::string(100000, 'm') + "</Message>";
    for (int i = 0; i < 100; ++i) body += "<D" + std::to_string(i) + ">v</D" + std::to_string(i) + ">";
    body += "<Nested><a>1</a></Nested></Error>";
    auto e = ossmp::parse_service_error(reply(400, body), operation::list_parts);
    REQUIRE(e);
    CHECK(e->message.size() == 8192 + 3);
    CHECK(e->details.size() == 32);
    CHECK(e->detail("Nested").empty());
}

TEST_CASE("service error: 203 is callback_failed for Complete and PutObject") {
    auto resp = reply(203, vector_file("CompleteMultipartUpload/callback_failed_203.xml"));
    auto e = ossmp::parse_service_error(resp, operation::complete_multipart_upload);
    REQUIRE(e);
    CHECK(e->code == errc::callback_failed);
    CHECK(e->oss_code == "CallbackFailed");
    CHECK(e->message == "Error status : 502.");
    CHECK(ossmp::parse_service_error(resp, operation::put_object)->code == errc::callback_failed);
    auto bare = ossmp::parse_service_error(reply(203), operation::complete_multipart_upload);
    REQUIRE(bare);
    CHECK(bare->code == errc::callback_failed);
}

TEST_CASE("service error: a status that is not a final HTTP status") {
    for (int st : {0, 100, 199, 600, -1}) {
        INFO(st);
        auto e = ossmp::parse_service_error(reply(st), operation::list_parts);
        REQUIRE(e);
        CHECK(e->code == errc::malformed_response);
    }
}

TEST_CASE("service error: an <Error> with neither Code nor Message still explains itself") {
    // Found by fuzz_service_error (fuzz/corpus/service_error/regression-error-without-code-or-message).
    auto resp = reply(404);
    resp.headers.add("x-oss-err", ossmp::base64_encode("<Error><HostId>h</HostId></Error>"));
    auto e = ossmp::parse_service_error(resp, operation::list_parts);
    REQUIRE(e);
    CHECK(e->oss_code.empty());
    CHECK(e->message == "HTTP 404 with an <Error> that has no Code or Message");
    CHECK(e->host_id == "h");
}

TEST_CASE("service error: SecurityTokenExpired as OSS sends it keeps the token out of every field") {
    const std::string body = vector_file("Error/security_token_expired.xml");
    const std::string token_start = "CAIS9AJ1q6Ft5B2yfSjIr5fXKP3Tv7Zp0oWmc0PWhkQ";
    REQUIRE(body.find(token_start) != std::string::npos);
    auto check = [&](const ossmp::error& e) {
        CHECK(e.code == errc::service_error);
        CHECK(e.op == operation::upload_part);
        CHECK(e.part_number == 16);
        CHECK(e.http_status == 403);
        CHECK(e.oss_code == "SecurityTokenExpired");
        CHECK(e.message == "The security token you provided has expired.");
        CHECK(e.request_id == "6502B57DB9FD8B3739E9A4A8");
        CHECK(e.host_id == "examplebucket.oss-cn-hangzhou.aliyuncs.com");
        CHECK(e.ec == "0002-00000007");
        REQUIRE(e.details.size() == 1);  // SecurityToken dropped, RecommendDoc kept
        CHECK(e.details[0] == std::pair<std::string, std::string>{
                                  "RecommendDoc", "https://api.aliyun.com/troubleshoot?q=0002-00000007"});
        CHECK(e.detail("SecurityToken").empty());
        CHECK(e.what() ==
              "UploadPart part 16: SecurityTokenExpired: The security token you provided has expired. "
              "(HTTP 403, request id 6502B57DB9FD8B3739E9A4A8, EC 0002-00000007)");
        for (const std::string& field : {e.message, e.oss_code, e.request_id, e.host_id, e.ec, e.what()})
            CHECK(field.find(token_start) == std::string::npos);
        for (const auto& [k, v] : e.details) CHECK(v.find(token_start) == std::string::npos);
    };
    auto e = ossmp::parse_service_error(reply(403, body), operation::upload_part, 16);
    REQUIRE(e);
    check(*e);
    // The same document base64-encoded in x-oss-err (a bodiless reply, e.g. to HEAD).
    auto bodiless = reply(403);
    bodiless.headers.add("x-oss-err", ossmp::base64_encode(body));
    auto h = ossmp::parse_service_error(bodiless, operation::upload_part, 16);
    REQUIRE(h);
    check(*h);
}

TEST_CASE("service error: signature echoes lose the token and the signature") {
    // What OSS answers to a V1 request signed with STS credentials and a wrong secret: the
    // string to sign lists the x-oss-security-token header, in text and in hex.
    const std::string token = "CAISsecretSTStokenValue0123456789";
    const std::string sts = "PUT\n\n\nWed, 28 Dec 2022 10:27:41 GMT\nx-oss-security-token:" + token +
                            "\n/oss-example/multipart.data?partNumber=1&uploadId=0004B9895DBBB6EC9";
    std::string hex;
    for (unsigned char c : sts) {
        static const char* d = "0123456789ABCDEF";
        hex += d[c >> 4];
        hex += d[c & 15];
        hex += ' ';
    }
    auto escape = [](std::string s) {  // '&' in the query must be &amp; inside XML
        for (auto at = s.find('&'); at != std::string::npos; at = s.find('&', at + 1)) s.replace(at, 1, "&amp;");
        return s;
    };
    std::string xml = "<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does "
                      "not match the signature you provided.</Message><RequestId>R</RequestId>"
                      "<OSSAccessKeyId>STS.NUgYrLnoC</OSSAccessKeyId><SignatureProvided>kTRTjD7BDZyDiw8F</SignatureProvided>"
                      "<StringToSign>" + escape(sts) + "</StringToSign><StringToSignBytes>" + hex +
                      "</StringToSignBytes><CanonicalRequest>PUT\n/b/k\n\nx-oss-security-token:" + token +
                      "\nx-oss-date:20231216T162057Z\n</CanonicalRequest><EC>0002-00000040</EC></Error>";
    auto e = ossmp::parse_service_error(reply(403, xml), operation::upload_part, 1);
    REQUIRE(e);
    CHECK(e->detail("OSSAccessKeyId") == "STS.NUgYrLnoC");  // a public id: which key was used
    CHECK(e->detail("SignatureProvided").empty());
    const std::string redacted_sts = "PUT\n\n\nWed, 28 Dec 2022 10:27:41 GMT\nx-oss-security-token:[redacted]"
                                     "\n/oss-example/multipart.data?partNumber=1&uploadId=0004B9895DBBB6EC9";
    CHECK(e->detail("StringToSign") == redacted_sts);
    CHECK(e->detail("CanonicalRequest") == "PUT\n/b/k\n\nx-oss-security-token:[redacted]\nx-oss-date:20231216T162057Z\n");
    std::string bytes = std::string(e->detail("StringToSignBytes"));
    CHECK(bytes.find("5B 72 65 64 61 63 74 65 64 5D") != std::string::npos);  // "[redacted]"
    REQUIRE(e->details.size() == 4);
    for (const auto& [k, v] : e->details) {
        CHECK(v.find(token) == std::string::npos);
        CHECK(v.find("kTRTjD7BDZyDiw8F") == std::string::npos);
    }
}

TEST_CASE("service error: a non-OSS body that mentions a token is not quoted") {
    auto e = ossmp::parse_service_error(
        reply(403, "{\"error\": \"denied\", \"SecurityToken\": \"CAISabcdefgh\"}"), operation::upload_part, 2);
    REQUIRE(e);
    CHECK(e->message == "HTTP 403 with a body that is not an OSS error document: (52 bytes, not shown: it mentions "
                        "a secret or token)");
    auto plain = ossmp::parse_service_error(reply(502, "<html>Bad Gateway</html>"), operation::upload_part, 2);
    REQUIRE(plain);
    CHECK(plain->message == "HTTP 502 with a body that is not an OSS error document: <html>Bad Gateway</html>");
}
