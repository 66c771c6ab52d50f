// The cpp-httplib adapter: conformance against the in-process emulator (round trips,
// faults, refused connections, failing sources) on a thread pool, and byte-level checks
// against a raw loopback server (headers exactly as signed, no invented Content-Type,
// verbatim paths, keep-alive, HEAD, timeouts, the httplib::Error mapping).
#include <catch2/catch.hpp>

#include <ossmp/adapters/httplib.hpp>

#include "adapter_conformance.hpp"

using namespace adapter_test;
namespace oh = ossmp::adapters::httplib;

namespace {

oh::options loopback_options() {
    oh::options o;
    o.connect_to = {{"bucket.localhost", 0, "127.0.0.1", 0}};
    return o;
}

struct httplib_pool {
    static constexpr const char* name = "httplib thread pool";
    using client_type = oh::client;
    static client_type make_client() { return client_type(loopback_options()); }
    template <class S>
    static result<upload_outcome> run_machine(upload_machine& m, S& source) {
        thread_pool_transport<oh::client> pool(m.max_in_flight(), [] { return make_client(); });
        return run(m, pool, source);
    }
};

struct httplib_sequential {
    static constexpr const char* name = "httplib sequential";
    using client_type = oh::client;
    static client_type make_client() { return client_type(loopback_options()); }
    template <class S>
    static result<upload_outcome> run_machine(upload_machine& m, S& source) {
        auto c = make_client();
        sequential_transport<oh::client> t(c);
        return run(m, t, source);
    }
};

exchange_result send(oh::client& c, const http_request& req) {
    memory_source src(req.body);
    auto body = body_reader::for_request(req, src);
    return c.perform(req, body);
}

const http_response& response_of(const exchange_result& r) {
    if (auto* e = std::get_if<transport_error>(&r)) FAIL("transport error: " << e->message);
    return std::get<http_response>(r);
}

}  // namespace

// ---- against the emulator ------------------------------------------------------------

TEST_CASE("httplib pool: V1/V4 x path/virtual-hosted x 0 B..64 MiB round trips", "[httplib][emulator]") {
    roundtrip_matrix<httplib_pool>();
}
TEST_CASE("httplib: keys with dot segments are sent verbatim", "[httplib][emulator]") {
    dot_segments_verbatim<httplib_pool>();
    dot_segments_verbatim<httplib_sequential>();
}
TEST_CASE("httplib pool: uploads complete through 500/503, resets, delays and 200-with-Error", "[httplib][faults]") {
    faults_recovered<httplib_pool>();
}
TEST_CASE("httplib: when retries run out the upload fails clearly and leaves no object", "[httplib][faults]") {
    faults_exhausted<httplib_pool>();
}
TEST_CASE("httplib: a refused connection fails fast as transport_connect", "[httplib][faults]") {
    connection_refused<httplib_pool>();
    connection_refused<httplib_sequential>();
}
TEST_CASE("httplib: a failing source fails the upload with its own error, unretried", "[httplib][faults]") {
    source_failure_is_fatal<httplib_pool>();
}

// ---- byte-level, against a raw server ------------------------------------------------

TEST_CASE("httplib: headers arrive exactly as given; no Content-Type is invented", "[httplib][raw]") {
    raw_server srv;
    oh::client c;
    auto init = raw_request("POST", srv, "/bucket/a/../b?uploads",
                            {{"x-oss-date", "20240101T000000Z"}, {"Authorization", "OSS ak:sig"}});
    CHECK(response_of(send(c, init)).status == 200);
    auto complete = raw_request("POST", srv, "/bucket/a/./c?uploadId=X", {{"X-Oss-Meta-Empty", ""}},
                                "<CompleteMultipartUpload></CompleteMultipartUpload>");
    CHECK(response_of(send(c, complete)).status == 200);
    std::string part = pattern(3u << 20, 4);
    auto put = raw_request("PUT", srv, "/bucket/%E4%B8%AD%20x?partNumber=1&uploadId=X",
                           {{"Content-Type", "application/octet-stream"}}, part);
    CHECK(response_of(send(c, put)).status == 200);
    CHECK(response_of(send(c, raw_request("PUT", srv, "/bucket/empty"))).status == 200);
    CHECK(response_of(send(c, raw_request("DELETE", srv, "/bucket/k?uploadId=X"))).status == 200);

    auto seen = srv.requests();
    REQUIRE(seen.size() == 5);
    CHECK(seen[0].request_line() == "POST /bucket/a/../b?uploads HTTP/1.1");
    CHECK(seen[0].values("Content-Length") == std::vector<std::string>{"0"});
    CHECK(seen[0].values("Host") == std::vector<std::string>{init.host});
    CHECK(seen[0].values("Authorization") == std::vector<std::string>{"OSS ak:sig"});
    CHECK(seen[1].request_line() == "POST /bucket/a/./c?uploadId=X HTTP/1.1");
    CHECK(seen[1].body == complete.body);
    CHECK(seen[1].values("X-Oss-Meta-Empty") == std::vector<std::string>{""});
    CHECK(seen[2].request_line() == "PUT /bucket/%E4%B8%AD%20x?partNumber=1&uploadId=X HTTP/1.1");
    CHECK(seen[2].values("Content-Type") == std::vector<std::string>{"application/octet-stream"});
    CHECK(seen[2].values("Content-Length") == std::vector<std::string>{std::to_string(part.size())});
    CHECK(seen[2].body == part);
    CHECK(seen[3].values("Content-Length") == std::vector<std::string>{"0"});
    CHECK(seen[4].request_line() == "DELETE /bucket/k?uploadId=X HTTP/1.1");
    for (std::size_t i = 0; i < seen.size(); ++i) {
        INFO(seen[i].head);
        if (i != 2) CHECK_FALSE(seen[i].has("Content-Type"));
        CHECK_FALSE(seen[i].has("Expect"));
        CHECK_FALSE(seen[i].has("Transfer-Encoding"));
        CHECK_FALSE(seen[i].has("Content-MD5"));
        CHECK(seen[i].values("Host").size() == 1);
    }
    CHECK(srv.connections() == 1);
}

TEST_CASE("httplib: HEAD answers with Content-Length and no body; connection stays usable", "[httplib][raw]") {
    raw_server srv([](const captured& r) {
        if (r.request_line().rfind("HEAD", 0) == 0)
            return std::string("HTTP/1.1 200 OK\r\nContent-Length: 123456\r\nX-Mixed-Case: v\r\n\r\n");
        return raw_server::ok_answer("hello", "x-oss-hash-crc64ecma: 42\r\n");
    });
    oh::client c;
    auto head = response_of(send(c, raw_request("HEAD", srv, "/bucket/k")));
    CHECK(head.status == 200);
    CHECK(head.body.empty());
    CHECK(head.headers.get_or("Content-Length") == "123456");
    bool mixed = false;
    for (const auto& h : head.headers) mixed |= h.name == "X-Mixed-Case" && h.value == "v";
    CHECK(mixed);
    auto get = response_of(send(c, raw_request("GET", srv, "/bucket/k")));
    CHECK(get.body == "hello");
    CHECK(get.headers.get_or("x-oss-hash-crc64ecma") == "42");
    CHECK(srv.connections() == 1);
}

TEST_CASE("httplib: body read failures abort the request with the source's error", "[httplib][raw]") {
    raw_server srv;
    std::string data = pattern(5u << 20, 2);
    for (auto code : {errc::io_error, errc::ok}) {
        failing_source src{data, 3u << 20, code};
        auto req = raw_request("PUT", srv, "/bucket/k");
        req.source = body_range{0, data.size()};
        body_reader body(src, *req.source);
        oh::client c;
        auto out = c.perform(req, body);
        REQUIRE(std::holds_alternative<transport_error>(out));
        auto& e = std::get<transport_error>(out);
        INFO(e.message);
        CHECK(e.code == (code == errc::ok ? errc::source_short_read : errc::io_error));
    }
}

TEST_CASE("httplib: a silent server is transport_timeout", "[httplib][raw]") {
    raw_server srv([](const captured&) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1500));
        return raw_server::ok_answer();
    });
    oh::options o;
    o.read_timeout = std::chrono::milliseconds(300);
    oh::client c(o);
    auto t0 = std::chrono::steady_clock::now();
    auto out = send(c, raw_request("PUT", srv, "/slow", {}, "body"));
    REQUIRE(std::holds_alternative<transport_error>(out));
    INFO(std::get<transport_error>(out).message);
    CHECK(std::get<transport_error>(out).code == errc::transport_timeout);
    CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::milliseconds(1400));
}

TEST_CASE("httplib: a peer that drops the connection is transport_reset", "[httplib][raw]") {
    raw_server srv([](const captured&) { return std::string(); });
    oh::client c;
    auto out = send(c, raw_request("PUT", srv, "/dropped", {}, pattern(100000, 1)));
    REQUIRE(std::holds_alternative<transport_error>(out));
    INFO(std::get<transport_error>(out).message);
    CHECK(std::get<transport_error>(out).code == errc::transport_reset);
}

TEST_CASE("httplib: virtual-hosted names reach loopback through connect_to", "[httplib][raw]") {
    raw_server srv;
    oh::options o;
    o.connect_to = {{"bucket.oss-cn-hangzhou.aliyuncs.com", 80, "127.0.0.1", srv.port()}};
    oh::client c(o);
    auto req = raw_request("GET", srv, "/key");
    req.host = "bucket.oss-cn-hangzhou.aliyuncs.com";
    CHECK(response_of(send(c, req)).status == 200);
    auto seen = srv.requests();
    REQUIRE(seen.size() == 1);
    CHECK(seen[0].values("Host") == std::vector<std::string>{"bucket.oss-cn-hangzhou.aliyuncs.com"});
}

TEST_CASE("httplib: httplib::Error to transport_error kind", "[httplib][unit]") {
    using E = ::httplib::Error;
    CHECK(oh::error_kind(E::Connection) == errc::transport_connect);
    CHECK(oh::error_kind(E::BindIPAddress) == errc::transport_connect);
    CHECK(oh::error_kind(E::ConnectionTimeout) == errc::transport_timeout);
    CHECK(oh::error_kind(E::Read) == errc::transport_reset);
    CHECK(oh::error_kind(E::Write) == errc::transport_reset);
    CHECK(oh::error_kind(E::SSLConnection) == errc::transport_tls);
    CHECK(oh::error_kind(E::SSLLoadingCerts) == errc::transport_tls);
    CHECK(oh::error_kind(E::SSLServerVerification) == errc::transport_tls);
    CHECK(oh::error_kind(E::Canceled) == errc::transport_other);
    CHECK(oh::error_kind(E::Unknown) == errc::transport_other);
    CHECK(oh::error_kind(E::ExceedRedirectCount) == errc::transport_other);
    CHECK(oh::error_kind(E::Compression) == errc::transport_other);
}

TEST_CASE("httplib: a real connect failure names the host and never the headers", "[httplib][unit]") {
    auto port = closed_port();
    http_request req;
    req.method = "PUT";
    req.scheme = "http";
    req.host = "127.0.0.1:" + std::to_string(port);
    req.path = "/bucket/k";
    req.headers.add("Authorization", "OSS4-HMAC-SHA256 Credential=ak/secret-signature");
    req.body = "data";
    oh::client c;
    auto out = send(c, req);
    REQUIRE(std::holds_alternative<transport_error>(out));
    auto& e = std::get<transport_error>(out);
    INFO(e.message);
    CHECK(e.code == errc::transport_connect);
    CHECK(e.message.find(std::to_string(port)) != std::string::npos);
    CHECK(e.message.find("secret") == std::string::npos);
}
