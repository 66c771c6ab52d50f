// The ECS RAM role provider (ossmp/credentials/ecs_role_provider.hpp): the pure builders and
// parsers of each step, then the provider performed by the curl adapter against a loopback
// server playing the instance metadata service, with and without hardening mode.
#include <catch2/catch.hpp>

#include <chrono>
#include <string>

#include <ossmp/credentials/ecs_role_provider.hpp>

#include "loopback_curl.hpp"
#include "loopback_http.hpp"

using namespace ossmp;
using namespace std::chrono_literals;
using ossmp_test::loopback_http;
using ossmp_test::loopback_request;
using ossmp_test::loopback_response;

namespace {
const time_point now = from_unix_seconds(1'800'000'000);
// The shape of help.aliyun.com/zh/ecs/user-guide/obtain-a-temporary-authorization-token.
const std::string role_json = R"({
  "AccessKeyId" : "STS.ecs6YSE",
  "AccessKeySecret" : "ecs-secret",
  "Expiration" : "2030-01-01T00:00:00Z",
  "SecurityToken" : "CAISecs",
  "LastUpdated" : "2029-12-31T18:00:00Z",
  "Code" : "Success"
})";


// A metadata service: `hardened` answers the token PUT (and then requires the token on
// GETs); otherwise the PUT is a 404, as on a service without hardening mode.
struct metadata_service {
    bool hardened = true;
    bool require_token = true;
    std::string role = "EcsRamRoleDocumentTesting";
    loopback_response operator()(const loopback_request& r) const {
        const std::string token = "md-token-0123";
        if (r.method == "PUT" && r.target == "/latest/api/token") {
            if (!hardened) return {404, "not found", {}};
            if (r.header("X-aliyun-ecs-metadata-token-ttl-seconds").empty()) return {400, "", {}};
            return {200, token, {}};
        }
        if (r.method != "GET") return {405, "", {}};
        if (hardened && require_token && r.header("X-aliyun-ecs-metadata-token") != token) return {401, "", {}};
        if (r.target == "/latest/meta-data/ram/security-credentials/")
            return role.empty() ? loopback_response{404, "", {}} : loopback_response{200, role + "\n", {}};
        if (r.target == "/latest/meta-data/ram/security-credentials/" + role) return {200, role_json, {}};
        return {404, "", {}};
    }
};
}  // namespace

TEST_CASE("ecs: the three requests") {
    ecs_metadata_options opt;
    auto t = make_ecs_metadata_token_request(opt);
    REQUIRE(t);
    CHECK(t->method == "PUT");
    CHECK(t->url() == "http://100.100.100.200/latest/api/token");
    CHECK(t->headers.get_or("X-aliyun-ecs-metadata-token-ttl-seconds") == "21600");
    CHECK(t->content_length() == 0);
    opt.token_ttl_seconds = 0;
    CHECK(make_ecs_metadata_token_request(opt).error().code == errc::invalid_argument);
    opt.token_ttl_seconds = 21601;
    CHECK(make_ecs_metadata_token_request(opt).error().message == "ECS metadata token TTL 21601 s is outside 1..21600");
    opt.token_ttl_seconds = 1;
    CHECK(make_ecs_metadata_token_request(opt)->headers.get_or("X-aliyun-ecs-metadata-token-ttl-seconds") == "1");

    auto list = make_ecs_role_name_request(opt, "tok");
    REQUIRE(list);
    CHECK(list->method == "GET");
    CHECK(list->url() == "http://100.100.100.200/latest/meta-data/ram/security-credentials/");
    CHECK(list->headers.get_or("X-aliyun-ecs-metadata-token") == "tok");
    CHECK_FALSE(make_ecs_role_name_request(opt)->headers.contains("X-aliyun-ecs-metadata-token"));

    auto role = make_ecs_role_credentials_request(opt, "My.Role_1-a", "tok");
    REQUIRE(role);
    CHECK(role->url() == "http://100.100.100.200/latest/meta-data/ram/security-credentials/My.Role_1-a");
    for (const std::string& bad : {std::string(), std::string("../admin"), std::string("a/b"), std::string("a b"),
                                   std::string("r?x"), std::string(65, 'r')}) {
        INFO(bad);
        CHECK(make_ecs_role_credentials_request(opt, bad).error().code == errc::invalid_argument);
    }
    opt.host = "127.0.0.1:8080/x";
    CHECK(make_ecs_role_name_request(opt).error().code == errc::invalid_argument);
}

TEST_CASE("ecs: the parsers") {
    CHECK(*parse_ecs_metadata_token_response({200, {}, "  tok-1\r\n"}) == "tok-1");
    auto no_token = parse_ecs_metadata_token_response({404, {}, "secret-echo"});
    REQUIRE_FALSE(no_token);
    CHECK(no_token.error().code == errc::service_error);
    CHECK(no_token.error().http_status == 404);
    CHECK(no_token.error().message == "metadata token: the metadata service answered HTTP 404, not 200");
    CHECK(parse_ecs_metadata_token_response({200, {}, ""}).error().code == errc::malformed_response);
    CHECK(parse_ecs_metadata_token_response({200, {}, "a b"}).error().code == errc::malformed_response);
    CHECK(parse_ecs_metadata_token_response({200, {}, std::string(5000, 'a')}).error().code == errc::malformed_response);

    CHECK(*parse_ecs_role_name_response({200, {}, "EcsRamRoleDocumentTesting\n"}) == "EcsRamRoleDocumentTesting");
    CHECK(*parse_ecs_role_name_response({200, {}, "first\nsecond\n"}) == "first");
    CHECK(parse_ecs_role_name_response({404, {}, ""}).error().message ==
          "RAM role name: the metadata service answered HTTP 404, not 200");
    CHECK(parse_ecs_role_name_response({200, {}, "../../x"}).error().code == errc::malformed_response);
    CHECK(parse_ecs_role_name_response({200, {}, ""}).error().code == errc::malformed_response);

    auto c = parse_ecs_role_credentials_response({200, {}, role_json});
    REQUIRE(c);
    CHECK(c->access_key_id == "STS.ecs6YSE");
    CHECK(c->security_token == "CAISecs");
    CHECK(c->expiration == *parse_iso8601("2030-01-01T00:00:00Z"));
    auto failed = parse_ecs_role_credentials_response(
        {200, {}, R"({"Code":"Failed","AccessKeyId":"a","AccessKeySecret":"leaked"})"});
    REQUIRE_FALSE(failed);
    CHECK(failed.error().code == errc::malformed_response);
    auto no_sts = parse_ecs_role_credentials_response({200, {}, R"({"AccessKeyId":"a","AccessKeySecret":"s","Code":"Success"})"});
    CHECK(no_sts.error().message == "\"SecurityToken\" is missing or empty");
    auto no_exp = parse_ecs_role_credentials_response(
        {200, {}, R"({"AccessKeyId":"a","AccessKeySecret":"s","SecurityToken":"t","Code":"Success"})"});
    CHECK(no_exp.error().message == "\"Expiration\" is missing or empty");
    CHECK(parse_ecs_role_credentials_response({500, {}, role_json}).error().http_status == 500);
}

TEST_CASE("ecs: hardening mode: token, role name, credentials, over curl") {
    loopback_http server(metadata_service{});
    ecs_metadata_options opt;
    opt.host = server.authority();
    ecs_role_provider p(ossmp_test::loopback_curl_client(), opt);
    CHECK(p.name() == "ECS RAM role");
    auto c = p.fetch(now);
    REQUIRE(c);
    CHECK(c->access_key_id == "STS.ecs6YSE");
    CHECK(c->access_key_secret == "ecs-secret");
    CHECK(c->security_token == "CAISecs");
    auto reqs = server.requests();
    REQUIRE(reqs.size() == 3);
    CHECK(reqs[0].method == "PUT");
    CHECK(reqs[0].target == "/latest/api/token");
    CHECK(reqs[0].header("X-aliyun-ecs-metadata-token-ttl-seconds") == "21600");
    CHECK(reqs[1].target == "/latest/meta-data/ram/security-credentials/");
    CHECK(reqs[1].header("X-aliyun-ecs-metadata-token") == "md-token-0123");
    CHECK(reqs[2].target == "/latest/meta-data/ram/security-credentials/EcsRamRoleDocumentTesting");
    CHECK(reqs[2].header("X-aliyun-ecs-metadata-token") == "md-token-0123");
}

TEST_CASE("ecs: a configured role skips the lookup") {
    loopback_http server(metadata_service{});
    ecs_metadata_options opt;
    opt.host = server.authority();
    opt.role = "EcsRamRoleDocumentTesting";
    ecs_role_provider p(ossmp_test::loopback_curl_client(), opt);
    CHECK(p.name() == "ECS RAM role 'EcsRamRoleDocumentTesting'");
    REQUIRE(p.fetch(now));
    auto reqs = server.requests();
    REQUIRE(reqs.size() == 2);
    CHECK(reqs[1].target == "/latest/meta-data/ram/security-credentials/EcsRamRoleDocumentTesting");

    opt.role = "NoSuchRole";
    auto e = ecs_role_provider(ossmp_test::loopback_curl_client(), opt).fetch(now);
    REQUIRE_FALSE(e);
    CHECK(e.error().message ==
          "ECS RAM role 'NoSuchRole': RAM role credentials: the metadata service answered HTTP 404, not 200");
}

TEST_CASE("ecs: a service without hardening mode") {
    loopback_http server(metadata_service{false, false});
    ecs_metadata_options opt;
    opt.host = server.authority();
    // preferred (the default): the token PUT fails, the GETs go without it.
    ecs_role_provider p(ossmp_test::loopback_curl_client(), opt);
    REQUIRE(p.fetch(now));
    auto reqs = server.requests();
    REQUIRE(reqs.size() == 3);
    CHECK_FALSE(reqs[1].has_header("X-aliyun-ecs-metadata-token"));
    CHECK_FALSE(reqs[2].has_header("X-aliyun-ecs-metadata-token"));
    // required: no token, no credentials.
    opt.token = metadata_token::required;
    auto e = ecs_role_provider(ossmp_test::loopback_curl_client(), opt).fetch(now);
    REQUIRE_FALSE(e);
    CHECK(e.error().code == errc::credentials_unavailable);
    CHECK(e.error().message == "ECS RAM role: metadata token: the metadata service answered HTTP 404, not 200");
    // disabled: no PUT at all.
    opt.token = metadata_token::disabled;
    REQUIRE(ecs_role_provider(ossmp_test::loopback_curl_client(), opt).fetch(now));
    CHECK(server.requests().size() == 3 + 1 + 2);
    CHECK(server.requests().back().method == "GET");
}

TEST_CASE("ecs: no RAM role attached, and no metadata service at all") {
    metadata_service none;
    none.role = "";
    loopback_http server(none);
    ecs_metadata_options opt;
    opt.host = server.authority();
    auto e = ecs_role_provider(ossmp_test::loopback_curl_client(), opt).fetch(now);
    REQUIRE_FALSE(e);
    CHECK(e.error().message == "ECS RAM role: RAM role name: the metadata service answered HTTP 404, not 200");

    std::string authority;
    {
        loopback_http gone([](const loopback_request&) { return loopback_response{}; });
        authority = gone.authority();
    }
    opt.host = authority;
    auto off = ecs_role_provider(ossmp_test::loopback_curl_client(), opt).fetch(now);  // token PUT fails, then the GET
    REQUIRE_FALSE(off);
    CHECK(off.error().message.rfind("ECS RAM role: connection failed", 0) == 0);
}
