// What every package consumer checks (tests/package/run.sh builds them against an installed
// prefix or the source tree): that the headers it was given sign a known vector right, and,
// for an adapter, that the adapter links and sends through its HTTP library.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>

#include <ossmp/body_source.hpp>
#include <ossmp/endpoint.hpp>
#include <ossmp/http_request.hpp>
#include <ossmp/sign/v4.hpp>
#include <ossmp/time.hpp>
#include <ossmp/transport.hpp>

namespace consumer {

inline void check(bool ok, const std::string& what) {
    if (ok) return;
    std::fprintf(stderr, "FAIL: %s\n", what.c_str());
    std::exit(1);
}

// Vector v4-header-basic of tests/vectors/signatures.json (asserted by the official SDKs'
// tests): the Authorization header V4 gives that request.
inline void signs_known_vector() {
    ossmp::http_request req;
    req.method = "PUT";
    req.bucket = "bucket";
    req.key = "1234+-/123/1.txt";
    req.scheme = "http";
    auto ep = ossmp::parse_endpoint("http://oss-cn-hangzhou.aliyuncs.com");
    check(ep.has_value(), "parse_endpoint");
    auto loc = ossmp::resolve(*ep, req.bucket, req.key);
    check(loc.has_value(), "resolve");
    req.host = loc->host;
    req.path = loc->path;
    req.query = {{"param1", "value1"}, {"+param1", "value3"}, {"|param1", "value4"},
                 {"+param2", ""},      {"|param2", ""},       {"param2", ""}};
    req.headers.add("x-oss-head1", "value");
    req.headers.add("abc", "value");
    req.headers.add("ZAbc", "value");
    req.headers.add("XYZ", "value");
    req.headers.add("content-type", "text/plain");
    req.headers.add("x-oss-content-sha256", "UNSIGNED-PAYLOAD");
    auto s = ossmp::sign_v4(req, {"ak", "sk", ""}, ossmp::from_unix_seconds(1702743657), {"cn-hangzhou", "oss", {}});
    check(s.has_value(), "sign_v4");
    const std::string want =
        "OSS4-HMAC-SHA256 Credential=ak/20231216/cn-hangzhou/oss/aliyun_v4_request,"
        "Signature=e21d18daa82167720f9b1047ae7e7f1ce7cb77a31e8203a7d5f4624fa0284afe";
    check(req.headers.get("Authorization").value_or("") == want,
          "Authorization of v4-header-basic: " + std::string(req.headers.get("Authorization").value_or("<none>")));
}

// Sends a signed request through `client` to a loopback port nothing listens on: the
// adapter must report it as a connection failure (which proves it reached its library).
template <class Client>
void reports_refused_connection(Client& client) {
    ossmp::http_request req;
    req.method = "GET";
    req.scheme = "http";
    req.host = "127.0.0.1:1";
    req.path = "/bucket/key";
    auto s = ossmp::sign_v4(req, {"ak", "sk", ""}, ossmp::from_unix_seconds(1702743657), {"cn-hangzhou", "oss", {}});
    check(s.has_value(), "sign_v4 of the loopback request");
    ossmp::body_reader body;
    auto outcome = client.perform(req, body);
    auto* e = std::get_if<ossmp::transport_error>(&outcome);
    check(e != nullptr, "a request to 127.0.0.1:1 got an HTTP response");
    check(e->code == ossmp::errc::transport_connect, "127.0.0.1:1 refused, reported as: " + e->message);
}

}  // namespace consumer
