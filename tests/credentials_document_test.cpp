// The credentials JSON document (ossmp/credentials/document.hpp) in each shape Alibaba
// Cloud's tools print, and errors that name members but never quote values.
#include <catch2/catch.hpp>

#include <string>

#include <ossmp/credentials/document.hpp>

using namespace ossmp;

namespace {
const time_point dec4 = *parse_iso8601("2026-12-04T12:00:00Z");
}

TEST_CASE("credentials document: the flat shape of the ECS metadata service") {
    // The example of help.aliyun.com/zh/ecs/user-guide/obtain-a-temporary-authorization-token.
    auto c = parse_credentials_document(R"({
  "AccessKeyId" : "STS.N6YSE",
  "AccessKeySecret" : "ajjDU",
  "Expiration" : "2017-11-01T05:20:01Z",
  "SecurityToken" : "CAISng",
  "LastUpdated" : "2017-10-31T23:20:01Z",
  "Code" : "Success"
})");
    REQUIRE(c);
    CHECK(c->access_key_id == "STS.N6YSE");
    CHECK(c->access_key_secret == "ajjDU");
    CHECK(c->security_token == "CAISng");
    CHECK(c->expiration == *parse_iso8601("2017-11-01T05:20:01Z"));
}

TEST_CASE("credentials document: the flat shape without token, expiration or code") {
    auto c = parse_credentials_document(R"({"AccessKeyId":"LTAI5t","AccessKeySecret":"s3cr3t"})");
    REQUIRE(c);
    CHECK(c->access_key_id == "LTAI5t");
    CHECK_FALSE(c->has_token());
    CHECK_FALSE(c->expiration);
    // Empty strings and null count as absent.
    auto n = parse_credentials_document(
        R"({"AccessKeyId":"a","AccessKeySecret":"b","SecurityToken":null,"Expiration":""})");
    REQUIRE(n);
    CHECK_FALSE(n->has_token());
    CHECK_FALSE(n->expiration);
    // Milliseconds are accepted too.
    auto ms = parse_credentials_document(R"({"AccessKeyId":"a","AccessKeySecret":"b","Expiration":"2026-12-04T12:00:00.250Z"})");
    REQUIRE(ms);
    CHECK(*ms->expiration == dec4 + duration(250));
}

TEST_CASE("credentials document: an STS AssumeRole response") {
    auto c = parse_credentials_document(R"({
  "RequestId": "964A3A5B-1C44-5B1C-8C95-5F1E1C8D5E3A",
  "AssumedRoleUser": {"AssumedRoleId": "344584339364951186:alice", "Arn": "acs:ram::1:role/uploader/alice"},
  "Credentials": {
    "SecurityToken": "CAIS\u002Bx==",
    "AccessKeyId": "STS.L4aBSCSJVMuKg5U1vFDw",
    "AccessKeySecret": "wyLTSmsyPGP1ohvvw8xYgB29dlGI8KMiH2pKCNZ9",
    "Expiration": "2026-12-04T12:00:00Z"
  }
})");
    REQUIRE(c);
    CHECK(c->access_key_id == "STS.L4aBSCSJVMuKg5U1vFDw");
    CHECK(c->security_token == "CAIS+x==");
    CHECK(c->expiration == dec4);
}

TEST_CASE("credentials document: the Alibaba Cloud CLI External mode") {
    auto sts = parse_credentials_document(R"({"mode":"StsToken","access_key_id":"STS.x","access_key_secret":"s",
        "sts_token":"t","expiration":"2026-12-04T12:00:00Z"})");
    REQUIRE(sts);
    CHECK(sts->access_key_id == "STS.x");
    CHECK(sts->security_token == "t");
    CHECK(sts->expiration == dec4);
    auto ak = parse_credentials_document(R"({"mode":"AK","access_key_id":"LTAI","access_key_secret":"s"})");
    REQUIRE(ak);
    CHECK_FALSE(ak->has_token());
    auto inferred = parse_credentials_document(R"({"access_key_id":"i","access_key_secret":"s","sts_token":"t"})");
    REQUIRE(inferred);
    CHECK(inferred->security_token == "t");
    auto missing_token = parse_credentials_document(R"({"mode":"StsToken","access_key_id":"i","access_key_secret":"s"})");
    REQUIRE_FALSE(missing_token);
    CHECK(missing_token.error().code == errc::missing_field);
    CHECK(missing_token.error().message == "\"sts_token\" is missing or empty");
    auto other = parse_credentials_document(R"({"mode":"RamRoleArn","access_key_id":"i","access_key_secret":"s"})");
    REQUIRE_FALSE(other);
    CHECK(other.error().code == errc::malformed_response);
    CHECK(other.error().message == "\"mode\" is neither \"AK\" nor \"StsToken\"");
}

TEST_CASE("credentials document: refusals name the member and quote nothing") {
    struct bad {
        const char* doc;
        errc code;
        const char* message;
    };
    const bad cases[] = {
        {R"(["AccessKeyId"])", errc::malformed_response, "the document is not a JSON object"},
        {R"({"Credentials": "SECRETVALUE"})", errc::malformed_response, "\"Credentials\" is not an object"},
        {R"({"AccessKeySecret":"SECRETVALUE"})", errc::missing_field, "\"AccessKeyId\" is missing or empty"},
        {R"({"AccessKeyId":"","AccessKeySecret":"SECRETVALUE"})", errc::missing_field,
         "\"AccessKeyId\" is missing or empty"},
        {R"({"AccessKeyId":"id"})", errc::missing_field, "\"AccessKeySecret\" is missing or empty"},
        {R"({"AccessKeyId":7,"AccessKeySecret":"SECRETVALUE"})", errc::invalid_field, "\"AccessKeyId\" is not a string"},
        {R"({"AccessKeyId":"id","AccessKeySecret":"s","SecurityToken":["SECRETVALUE"]})", errc::invalid_field,
         "\"SecurityToken\" is not a string"},
        {R"({"AccessKeyId":"id","AccessKeySecret":"SECRETVALUE","Expiration":"SECRETVALUE"})", errc::invalid_field,
         "\"Expiration\" is not an ISO 8601 UTC time like 2026-12-04T12:00:00Z"},
        {R"({"AccessKeyId":"id","AccessKeySecret":"s","Expiration":"2026-12-04T12:00:00+08:00"})", errc::invalid_field,
         "\"Expiration\" is not an ISO 8601 UTC time like 2026-12-04T12:00:00Z"},
        {R"({"AccessKeyId":"id","AccessKeySecret":"s","Expiration":1796385600})", errc::invalid_field,
         "\"Expiration\" is not a string"},
        {R"({"Code":"Failed","AccessKeyId":"id","AccessKeySecret":"SECRETVALUE"})", errc::malformed_response,
         "\"Code\" is not \"Success\": the source reports a failure"},
        {R"({"AccessKeyId":"id","AccessKeySecret":"SECRET\nVALUE"})", errc::invalid_credentials,
         "access key secret contains control characters"},
        {R"({"AccessKeyId":"i d","AccessKeySecret":"SECRETVALUE"})", errc::invalid_credentials,
         "access key id contains spaces or control characters"},
        {R"({"AccessKeyId":"id","AccessKeySecret":"SECRETVALUE" "x"})", errc::json_syntax,
         "JSON: expected ',' or '}' in an object at byte 52"},
        {"SECRETVALUE", errc::json_syntax, "JSON: unexpected character, expected a value at byte 0"},
        {"nonsense", errc::json_syntax, "JSON: invalid literal (true, false or null expected) at byte 0"},
        {"", errc::json_syntax, "JSON: empty document at byte 0"},
    };
    for (const auto& b : cases) {
        INFO(b.doc);
        auto r = parse_credentials_document(b.doc);
        REQUIRE_FALSE(r);
        CHECK(r.error().code == b.code);
        CHECK(r.error().message == b.message);
        CHECK(r.error().what().find("SECRET") == std::string::npos);
    }
}

TEST_CASE("credentials document: bounded to 64 KiB") {
    std::string big = R"({"AccessKeyId":"id","AccessKeySecret":"s","Pad":")" + std::string(70000, 'x') + "\"}";
    auto r = parse_credentials_document(big);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::json_limit);
    std::string deep = R"({"AccessKeyId":"id","AccessKeySecret":"s","Pad":)" + std::string(20, '[') + std::string(20, ']') + "}";
    CHECK(parse_credentials_document(deep).error().code == errc::json_limit);
}
