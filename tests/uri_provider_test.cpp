// The credentials URI provider (ossmp/credentials/uri_provider.hpp): the pure request
// builder and response parser, then the provider performed by the curl adapter against a
// loopback server playing the credentials endpoint.
#include <catch2/catch.hpp>

#include <chrono>
#include <string>

#include <ossmp/credentials/cache.hpp>
#include <ossmp/credentials/uri_provider.hpp>

#include "loopback_curl.hpp"
#include "loopback_http.hpp"

using namespace ossmp;
using namespace std::chrono_literals;
using ossmp_test::loopback_http;
using ossmp_test::loopback_request;
using ossmp_test::loopback_response;

namespace {
const time_point now = from_unix_seconds(1'800'000'000);
const std::string good_json = R"({"AccessKeyId":"STS.uri","AccessKeySecret":"uri-secret","SecurityToken":"uri-token",)"
                              R"("Expiration":"2030-01-01T00:00:00Z"})";
}  // namespace

TEST_CASE("uri: the request is a GET of the URI as written") {
    auto r = make_credentials_uri_request("http://127.0.0.1:8080/v1/creds?user=alice&x=a%20b#frag");
    REQUIRE(r);
    CHECK(r->method == "GET");
    CHECK(r->scheme == "http");
    CHECK(r->host == "127.0.0.1:8080");
    CHECK(r->target() == "/v1/creds?user=alice&x=a%20b");
    CHECK(r->url() == "http://127.0.0.1:8080/v1/creds?user=alice&x=a%20b");
    CHECK(r->body.empty());
    CHECK(make_credentials_uri_request("HTTPS://Creds.Example.com")->url() == "https://creds.example.com/");
    CHECK(make_credentials_uri_request("http://localhost:6666/?user=jacksontian")->target() == "/?user=jacksontian");
    CHECK(make_credentials_uri_request("http://localhost?user=x")->target() == "/?user=x");
    CHECK(make_credentials_uri_request("http://[::1]:9/c")->host == "[::1]:9");

    for (const char* bad : {"ftp://h/c", "localhost:8080/c", "http://user:secret-pw@h/c", "http://h:99999/c",
                            "http://h/a b", "http:///c", "http://h/\x01"}) {
        INFO(bad);
        auto e = make_credentials_uri_request(bad);
        REQUIRE_FALSE(e);
        CHECK(e.error().code == errc::invalid_argument);
        CHECK(e.error().message.find("secret-pw") == std::string::npos);
        CHECK(e.error().message.rfind("credentials URI ", 0) == 0);
    }
}

TEST_CASE("uri: the provider's name leaves the path and query out") {
    CHECK(credentials_uri_name("http://127.0.0.1:8080/one-time/SECRET?k=SECRET") == "credentials URI http://127.0.0.1:8080");
    CHECK(credentials_uri_name("https://h") == "credentials URI https://h");
    CHECK(credentials_uri_name("junk SECRET") == "credentials URI");
}

TEST_CASE("uri: the response parser") {
    http_response ok{200, {}, good_json};
    auto c = parse_credentials_uri_response(ok);
    REQUIRE(c);
    CHECK(c->access_key_id == "STS.uri");
    CHECK(c->expiration == *parse_iso8601("2030-01-01T00:00:00Z"));
    http_response refused{403, {}, R"({"error":"denied","AccessKeySecret":"echoed-secret"})"};
    auto e = parse_credentials_uri_response(refused);
    REQUIRE_FALSE(e);
    CHECK(e.error().code == errc::service_error);
    CHECK(e.error().http_status == 403);
    CHECK(e.error().message == "answered HTTP 403, not 200");
    http_response garbage{200, {}, "<html>echoed-secret</html>"};
    CHECK(parse_credentials_uri_response(garbage).error().code == errc::json_syntax);
}

TEST_CASE("uri: fetched over curl from a loopback endpoint") {
    loopback_http server([](const loopback_request& r) {
        if (r.target == "/creds?role=uploader") return loopback_response{200, good_json, {{"Content-Type", "application/json"}}};
        if (r.target == "/broken") return loopback_response{200, R"({"AccessKeyId":"id","AccessKeySecret":"echoed-secret" x})", {}};
        if (r.target == "/expired")
            return loopback_response{200, R"({"AccessKeyId":"id","AccessKeySecret":"s","Expiration":"2020-01-01T00:00:00Z"})", {}};
        return loopback_response{503, "busy; your secret is echoed-secret", {}};
    });
    const std::string base = "http://" + server.authority();
    uri_provider p(ossmp_test::loopback_curl_client(), base + "/creds?role=uploader");
    CHECK(p.name() == "credentials URI " + base);
    auto c = p.fetch(now);
    REQUIRE(c);
    CHECK(c->access_key_id == "STS.uri");
    CHECK(c->security_token == "uri-token");
    auto reqs = server.requests();
    REQUIRE(reqs.size() == 1);
    CHECK(reqs[0].method == "GET");
    CHECK(reqs[0].target == "/creds?role=uploader");
    CHECK(reqs[0].header("Host") == server.authority());
    CHECK(reqs[0].header("Accept") == "application/json");

    auto busy = uri_provider(ossmp_test::loopback_curl_client(), base + "/other").fetch(now);
    REQUIRE_FALSE(busy);
    CHECK(busy.error().code == errc::credentials_unavailable);
    CHECK(busy.error().message == "credentials URI " + base + ": answered HTTP 503, not 200");

    auto broken = uri_provider(ossmp_test::loopback_curl_client(), base + "/broken").fetch(now);
    REQUIRE_FALSE(broken);
    CHECK(broken.error().message == "credentials URI " + base + ": JSON: expected ',' or '}' in an object at byte 54");

    auto expired = uri_provider(ossmp_test::loopback_curl_client(), base + "/expired").fetch(now);
    REQUIRE_FALSE(expired);
    CHECK(expired.error().message.find("the credentials it returned expired") != std::string::npos);
    for (const auto* e : {&busy, &broken, &expired}) CHECK(e->error().what().find("echoed-secret") == std::string::npos);
}

TEST_CASE("uri: a server that is not there is a transport failure, named") {
    std::string authority;
    {
        loopback_http gone([](const loopback_request&) { return loopback_response{}; });
        authority = gone.authority();
    }  // closed: nothing listens on the port now
    uri_provider p(ossmp_test::loopback_curl_client(), "http://" + authority + "/creds?k=SECRET");
    auto e = p.fetch(now);
    REQUIRE_FALSE(e);
    CHECK(e.error().code == errc::credentials_unavailable);
    CHECK(e.error().message.rfind("credentials URI http://" + authority + ": connection failed", 0) == 0);
    CHECK(e.error().message.find("SECRET") == std::string::npos);
}

TEST_CASE("uri: behind a cache the endpoint is asked once per lifetime") {
    loopback_http server([](const loopback_request&) { return loopback_response{200, good_json, {}}; });
    credentials_cache<uri_provider<adapters::curl::client>> cache(std::in_place, ossmp_test::loopback_curl_client(),
                                                                 "http://" + server.authority() + "/c");
    for (int i = 0; i < 50; ++i) REQUIRE(cache.fetch(now + std::chrono::minutes(i)));
    CHECK(server.requests().size() == 1);
    CHECK(cache.refreshes() == 1);
}
