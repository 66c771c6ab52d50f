// The libcurl adapter: conformance against the in-process emulator (round trips, faults,
// refused connections, failing sources) for the blocking client on a thread pool and for
// the curl_multi transport, and byte-level checks against a raw loopback server (headers
// exactly as signed, verbatim paths, keep-alive, HEAD, rewind, proxies from the
// environment, timeouts, the CURLcode mapping).
#include <catch2/catch.hpp>

#include <ossmp/adapters/curl.hpp>

#include "adapter_conformance.hpp"

#include <cstdlib>
#include <set>

using namespace adapter_test;
namespace oc = ossmp::adapters::curl;

namespace {

oc::options loopback_options() {
    oc::options o;
    o.connect_to = {{"bucket.localhost", 0, "127.0.0.1", 0}};
    return o;
}

struct curl_pool {
    static constexpr const char* name = "curl thread pool";
    using client_type = oc::client;
    static client_type make_client() { return client_type(loopback_options()); }
    template <class S>
    static result<upload_outcome> run_machine(upload_machine& m, S& source) {
        thread_pool_transport<oc::client> pool(m.max_in_flight(), [] { return make_client(); });
        return run(m, pool, source);
    }
};

struct curl_multi {
    static constexpr const char* name = "curl multi";
    using client_type = oc::client;
    static client_type make_client() { return client_type(loopback_options()); }
    template <class S>
    static result<upload_outcome> run_machine(upload_machine& m, S& source) {
        oc::multi_transport t(loopback_options());
        return run(m, t, source);
    }
};

// Performs `req` (unsigned; the raw server checks nothing) with a blocking client.
exchange_result send(oc::client& c, const http_request& req) {
    memory_source src(req.body);
    auto body = body_reader::for_request(req, src);
    return c.perform(req, body);
}

// The same through a multi_transport.
exchange_result send_multi(oc::multi_transport& t, const http_request& req) {
    memory_source src(req.body);
    auto body = body_reader::for_request(req, src);
    t.start(1, req, body);
    auto c = t.wait(time_point::max());
    REQUIRE(c);
    REQUIRE(c->id == 1);
    return std::move(c->outcome);
}

const http_response& response_of(const exchange_result& r) {
    if (auto* e = std::get_if<transport_error>(&r)) FAIL("transport error: " << e->message);
    return std::get<http_response>(r);
}

// Restores (or removes) an environment variable when the test ends.
struct scoped_env {
    std::string name;
    std::optional<std::string> old;
    scoped_env(std::string n, const char* value) : name(std::move(n)) {
        if (const char* v = std::getenv(name.c_str())) old = v;
        if (value) ::setenv(name.c_str(), value, 1);
        else ::unsetenv(name.c_str());
    }
    ~scoped_env() {
        if (old) ::setenv(name.c_str(), old->c_str(), 1);
        else ::unsetenv(name.c_str());
    }
};

}  // namespace

// ---- against the emulator ------------------------------------------------------------

TEST_CASE("curl pool: V1/V4 x path/virtual-hosted x 0 B..64 MiB round trips", "[curl][emulator]") {
    roundtrip_matrix<curl_pool>();
}
TEST_CASE("curl multi: V1/V4 x path/virtual-hosted x 0 B..64 MiB round trips", "[curl][emulator]") {
    roundtrip_matrix<curl_multi>();
}
TEST_CASE("curl: keys with dot segments are sent verbatim", "[curl][emulator]") {
    dot_segments_verbatim<curl_pool>();
    dot_segments_verbatim<curl_multi>();
}
TEST_CASE("curl pool: uploads complete through 500/503, resets, delays and 200-with-Error", "[curl][faults]") {
    faults_recovered<curl_pool>();
}
TEST_CASE("curl multi: uploads complete through 500/503, resets, delays and 200-with-Error", "[curl][faults]") {
    faults_recovered<curl_multi>();
}
TEST_CASE("curl: when retries run out the upload fails clearly and leaves no object", "[curl][faults]") {
    faults_exhausted<curl_pool>();
    faults_exhausted<curl_multi>();
}
TEST_CASE("curl: a refused connection fails fast as transport_connect", "[curl][faults]") {
    connection_refused<curl_pool>();
    connection_refused<curl_multi>();
}
TEST_CASE("curl: a failing source fails the upload with its own error, unretried", "[curl][faults]") {
    source_failure_is_fatal<curl_pool>();
    source_failure_is_fatal<curl_multi>();
}

TEST_CASE("curl: Expect: 100-continue, when asked for, works with the emulator", "[curl][emulator]") {
    test_emulator e;
    std::string data = pattern(8u << 20, 21);
    auto opts = loopback_options();
    opts.expect_continue_from = 1;
    thread_pool_transport<oc::client> pool(4, [&] { return oc::client(opts); });
    upload_spec spec;
    spec.key = "expect";
    spec.size = data.size();
    spec.part_size = 1u << 20;
    auto m = upload_machine::create(make_config(e, spec)).value();
    memory_source src(data);
    auto t0 = std::chrono::steady_clock::now();
    auto r = run(m, pool, src);
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    INFO((r ? std::string("ok") : r.error().what()));
    REQUIRE(r);
    // Had the server not answered 100 Continue, each part would wait expect_timeout (1 s).
    CHECK(s < 4.0);
    require_object<curl_pool>(e, addressing_style::path, signature_version::v4, "expect", data);
}

// ---- byte-level, against a raw server ------------------------------------------------

TEST_CASE("curl: headers arrive exactly as given, nothing added that changes meaning", "[curl][raw]") {
    raw_server srv;
    oc::client c;
    oc::multi_transport multi;
    for (bool use_multi : {false, true}) {
        INFO((use_multi ? "multi" : "easy"));
        auto perform = [&](const http_request& r) { return use_multi ? send_multi(multi, r) : send(c, r); };
        // POST without Content-Type (InitiateMultipartUpload): curl would add
        // application/x-www-form-urlencoded; an empty POST still has Content-Length: 0.
        auto init = raw_request("POST", srv, "/bucket/a/../b?uploads",
                                {{"x-oss-date", "20240101T000000Z"}, {"Authorization", "OSS ak:sig"}});
        CHECK(response_of(perform(init)).status == 200);
        // POST with an XML body and no Content-Type (Complete without one).
        auto complete = raw_request("POST", srv, "/bucket/a/./c?uploadId=X", {{"X-Oss-Meta-Empty", ""}},
                                    "<CompleteMultipartUpload></CompleteMultipartUpload>");
        CHECK(response_of(perform(complete)).status == 200);
        // PUT with a Content-Type, 3 MiB (above curl's own Expect threshold).
        std::string part = pattern(3u << 20, 4);
        auto put = raw_request("PUT", srv, "/bucket/%E4%B8%AD%20x?partNumber=1&uploadId=X",
                               {{"Content-Type", "application/octet-stream"}}, part);
        CHECK(response_of(perform(put)).status == 200);
        auto empty_put = raw_request("PUT", srv, "/bucket/empty");
        CHECK(response_of(perform(empty_put)).status == 200);
        auto del = raw_request("DELETE", srv, "/bucket/k?uploadId=X");
        CHECK(response_of(perform(del)).status == 200);

        auto seen = srv.requests();
        REQUIRE(seen.size() >= 5);
        auto last = std::vector<captured>(seen.end() - 5, seen.end());
        CHECK(last[0].request_line() == "POST /bucket/a/../b?uploads HTTP/1.1");
        CHECK(last[0].values("Content-Length") == std::vector<std::string>{"0"});
        CHECK(last[0].values("Host") == std::vector<std::string>{init.host});
        CHECK(last[0].values("Authorization") == std::vector<std::string>{"OSS ak:sig"});
        CHECK(last[0].values("x-oss-date") == std::vector<std::string>{"20240101T000000Z"});
        CHECK(last[1].request_line() == "POST /bucket/a/./c?uploadId=X HTTP/1.1");
        CHECK(last[1].body == complete.body);
        CHECK(last[1].values("X-Oss-Meta-Empty") == std::vector<std::string>{""});
        CHECK(last[2].request_line() == "PUT /bucket/%E4%B8%AD%20x?partNumber=1&uploadId=X HTTP/1.1");
        CHECK(last[2].values("Content-Type") == std::vector<std::string>{"application/octet-stream"});
        CHECK(last[2].values("Content-Length") == std::vector<std::string>{std::to_string(part.size())});
        CHECK(last[2].body == part);
        CHECK(last[3].values("Content-Length") == std::vector<std::string>{"0"});
        CHECK(last[4].request_line() == "DELETE /bucket/k?uploadId=X HTTP/1.1");
        for (std::size_t i = 0; i < last.size(); ++i) {
            const auto& r = last[i];
            INFO(r.head);
            if (i != 2) CHECK_FALSE(r.has("Content-Type"));
            CHECK_FALSE(r.has("Expect"));
            CHECK_FALSE(r.has("Accept"));
            CHECK_FALSE(r.has("Transfer-Encoding"));
            CHECK_FALSE(r.has("Content-MD5"));
            CHECK(r.values("Host").size() == 1);
        }
    }
    // Keep-alive: the easy client used one connection for its five requests, the multi
    // transport one more.
    CHECK(srv.connections() == 2);
}

TEST_CASE("curl: HEAD answers with Content-Length and no body; connection stays usable", "[curl][raw]") {
    raw_server srv([](const captured& r) {
        if (r.request_line().rfind("HEAD", 0) == 0)
            return std::string("HTTP/1.1 200 OK\r\nContent-Length: 123456\r\nX-Mixed-Case: v\r\nETag: \"E\"\r\n\r\n");
        return raw_server::ok_answer("hello", "x-oss-hash-crc64ecma: 42\r\n");
    });
    oc::client c;
    auto head = response_of(send(c, raw_request("HEAD", srv, "/bucket/k")));
    CHECK(head.status == 200);
    CHECK(head.body.empty());
    CHECK(head.headers.get_or("Content-Length") == "123456");
    // Names as received.
    bool mixed = false;
    for (const auto& h : head.headers) mixed |= h.name == "X-Mixed-Case" && h.value == "v";
    CHECK(mixed);
    auto get = response_of(send(c, raw_request("GET", srv, "/bucket/k")));
    CHECK(get.status == 200);
    CHECK(get.body == "hello");
    CHECK(get.headers.get_or("x-oss-hash-crc64ecma") == "42");
    CHECK(srv.connections() == 1);
}

TEST_CASE("curl: a body is rewound and resent when a reused connection died", "[curl][raw]") {
    // The second request on the first connection is read completely and then dropped
    // without an answer; curl retries it on a new connection, rewinding the body_reader.
    raw_server srv([](const captured& r) {
        if (r.connection == 1 && r.index == 2) return std::string();
        return raw_server::ok_answer();
    });
    oc::client c;
    CHECK(response_of(send(c, raw_request("PUT", srv, "/bucket/one", {}, "first"))).status == 200);
    std::string data = pattern(200000, 8);
    auto req = raw_request("PUT", srv, "/bucket/two", {}, data);
    memory_source src(req.body);
    auto body = body_reader::for_request(req, src);
    auto out = c.perform(req, body);
    CHECK(response_of(out).status == 200);
    CHECK(body.complete());
    CHECK(body.crc64() == crc64_of(data));
    auto seen = srv.requests();
    REQUIRE(seen.size() == 3);
    CHECK(seen[1].body == data);
    CHECK(seen[2].body == data);
    CHECK(seen[2].connection == 2);
}

TEST_CASE("curl: body read failures abort the request with the source's error", "[curl][raw]") {
    raw_server srv;
    std::string data = pattern(5u << 20, 2);
    for (auto code : {errc::io_error, errc::ok}) {
        failing_source src{data, 3u << 20, code};
        auto req = raw_request("PUT", srv, "/bucket/k");
        req.source = body_range{0, data.size()};
        body_reader body(src, *req.source);
        oc::client c;
        auto out = c.perform(req, body);
        REQUIRE(std::holds_alternative<transport_error>(out));
        auto& e = std::get<transport_error>(out);
        INFO(e.message);
        CHECK(e.code == (code == errc::ok ? errc::source_short_read : errc::io_error));
        CHECK(e.message.find("reading the request body failed") != std::string::npos);
    }
}

TEST_CASE("curl: proxies come from the environment unless options say otherwise", "[curl][raw]") {
    raw_server proxy, origin;
    scoped_env no1("no_proxy", nullptr), no2("NO_PROXY", nullptr);
    scoped_env http_proxy("http_proxy", proxy.url().c_str());
    {
        // libcurl reads http_proxy itself: the request goes to the proxy, absolute-form,
        // with the path still verbatim.
        oc::client c;
        auto req = raw_request("GET", origin, "/bucket/a/../b");
        req.host = "oss.example.invalid";
        CHECK(response_of(send(c, req)).status == 200);
        auto seen = proxy.requests();
        REQUIRE(seen.size() == 1);
        CHECK(seen[0].request_line() == "GET http://oss.example.invalid/bucket/a/../b HTTP/1.1");
        CHECK(seen[0].values("Host") == std::vector<std::string>{"oss.example.invalid"});
    }
    {
        // options::proxy = "" ignores the environment.
        oc::options o;
        o.proxy = "";
        oc::client c(o);
        CHECK(response_of(send(c, raw_request("GET", origin, "/direct"))).status == 200);
        CHECK(origin.requests().size() == 1);
    }
    {
        // no_proxy is honoured too.
        scoped_env np("no_proxy", "127.0.0.1");
        oc::client c;
        CHECK(response_of(send(c, raw_request("GET", origin, "/bypass"))).status == 200);
        CHECK(origin.requests().size() == 2);
    }
    CHECK(proxy.requests().size() == 1);
}

TEST_CASE("curl: stall and total timeouts are transport_timeout", "[curl][raw]") {
    raw_server srv([](const captured&) {
        std::this_thread::sleep_for(std::chrono::milliseconds(2500));
        return raw_server::ok_answer();
    });
    {
        oc::options o;
        o.total_timeout = std::chrono::milliseconds(300);
        oc::client c(o);
        auto t0 = std::chrono::steady_clock::now();
        auto out = send(c, raw_request("GET", srv, "/slow"));
        REQUIRE(std::holds_alternative<transport_error>(out));
        CHECK(std::get<transport_error>(out).code == errc::transport_timeout);
        CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::milliseconds(2000));
    }
    {
        oc::options o;
        o.stall_timeout = std::chrono::seconds(1);
        o.low_speed_limit = 1;
        oc::client c(o);
        auto out = send(c, raw_request("GET", srv, "/stalled"));
        REQUIRE(std::holds_alternative<transport_error>(out));
        INFO(std::get<transport_error>(out).message);
        CHECK(std::get<transport_error>(out).code == errc::transport_timeout);
    }
}

TEST_CASE("curl: virtual-hosted names reach loopback through connect_to", "[curl][raw]") {
    raw_server srv;
    oc::options o;
    o.connect_to = {{"bucket.oss-cn-hangzhou.aliyuncs.com", 443, "127.0.0.1", srv.port()}};
    oc::client c(o);
    auto req = raw_request("GET", srv, "/key");
    req.host = "bucket.oss-cn-hangzhou.aliyuncs.com:443";
    // http on port 443 so no TLS is involved; the mapping keeps Host as the URL has it.
    CHECK(response_of(send(c, req)).status == 200);
    auto seen = srv.requests();
    REQUIRE(seen.size() == 1);
    CHECK(seen[0].values("Host") == std::vector<std::string>{"bucket.oss-cn-hangzhou.aliyuncs.com:443"});
}

TEST_CASE("curl: CURLcode to transport_error kind", "[curl][unit]") {
    struct row {
        CURLcode code;
        errc kind;
    };
    const row rows[] = {
        {CURLE_COULDNT_CONNECT, errc::transport_connect},
        {CURLE_COULDNT_RESOLVE_HOST, errc::transport_connect},
        {CURLE_COULDNT_RESOLVE_PROXY, errc::transport_connect},
        {CURLE_OPERATION_TIMEDOUT, errc::transport_timeout},
        {CURLE_SEND_ERROR, errc::transport_reset},
        {CURLE_RECV_ERROR, errc::transport_reset},
        {CURLE_GOT_NOTHING, errc::transport_reset},
        {CURLE_PARTIAL_FILE, errc::transport_reset},
        {CURLE_SSL_CONNECT_ERROR, errc::transport_tls},
        {CURLE_PEER_FAILED_VERIFICATION, errc::transport_tls},
        {CURLE_SSL_CACERT_BADFILE, errc::transport_tls},
        {CURLE_SSL_CERTPROBLEM, errc::transport_tls},
        {CURLE_SSL_CIPHER, errc::transport_tls},
        {CURLE_SSL_ISSUER_ERROR, errc::transport_tls},
        {CURLE_SSL_PINNEDPUBKEYNOTMATCH, errc::transport_tls},
        {CURLE_USE_SSL_FAILED, errc::transport_tls},
        {CURLE_ABORTED_BY_CALLBACK, errc::transport_other},
        {CURLE_READ_ERROR, errc::transport_other},
        {CURLE_WEIRD_SERVER_REPLY, errc::transport_other},
        {CURLE_OUT_OF_MEMORY, errc::transport_other},
        {CURLE_URL_MALFORMAT, errc::transport_other},
        {CURLE_TOO_MANY_REDIRECTS, errc::transport_other},
    };
    for (const auto& r : rows) {
        INFO("CURLcode " << static_cast<int>(r.code));
        CHECK(oc::error_kind(r.code) == r.kind);
        auto e = oc::to_transport_error(r.code, "detail text\n");
        CHECK(e.code == r.kind);
        CHECK(e.message.find("curl error " + std::to_string(static_cast<int>(r.code))) == 0);
        CHECK(e.message.find("detail text") != std::string::npos);
        CHECK(e.message.back() != '\n');
    }
    static_assert(oc::error_kind(CURLE_COULDNT_CONNECT) == errc::transport_connect);
}

TEST_CASE("curl: a real connect failure names the address and never the headers", "[curl][unit]") {
    auto port = closed_port();
    http_request req;
    req.method = "PUT";
    req.scheme = "http";
    req.host = "127.0.0.1:" + std::to_string(port);
    req.path = "/bucket/k";
    req.headers.add("Authorization", "OSS4-HMAC-SHA256 Credential=ak/secret-signature");
    req.headers.add("x-oss-security-token", "very-secret-token");
    req.body = "data";
    oc::client c;
    auto out = send(c, req);
    REQUIRE(std::holds_alternative<transport_error>(out));
    auto& e = std::get<transport_error>(out);
    INFO(e.message);
    CHECK(e.code == errc::transport_connect);
    CHECK(e.message.find(std::to_string(port)) != std::string::npos);
    CHECK(e.message.find("secret") == std::string::npos);
}

TEST_CASE("curl: global_init is once per process and thread-safe", "[curl][unit]") {
    std::vector<std::thread> ts;
    std::atomic<int> ok{0};
    for (int i = 0; i < 8; ++i)
        ts.emplace_back([&] {
            if (oc::global_init() == CURLE_OK) ++ok;
        });
    for (auto& t : ts) t.join();
    CHECK(ok == 8);
}

TEST_CASE("curl multi: deadlines, many requests at once, each reported exactly once", "[curl][raw]") {
    raw_server srv([](const captured& r) {
        if (r.request_line().find("/slow") != std::string::npos)
            std::this_thread::sleep_for(std::chrono::milliseconds(600));
        return raw_server::ok_answer(r.request_line());
    });
    oc::multi_transport t;
    CHECK_FALSE(t.wait(time_point::max()));  // nothing in flight: returns at once

    auto slow = raw_request("GET", srv, "/slow");
    body_reader none;
    t.start(100, slow, none);
    auto t0 = std::chrono::steady_clock::now();
    CHECK_FALSE(t.wait(now() + duration(150)));
    auto waited = std::chrono::steady_clock::now() - t0;
    CHECK(waited >= std::chrono::milliseconds(100));
    CHECK(waited < std::chrono::milliseconds(550));
    auto c = t.wait(time_point::max());
    REQUIRE(c);
    CHECK(c->id == 100);
    CHECK(response_of(c->outcome).body == "GET /slow HTTP/1.1");

    std::vector<http_request> reqs;
    for (int i = 0; i < 8; ++i) {
        reqs.push_back(raw_request("PUT", srv, "/r" + std::to_string(i), {}, pattern(100000 + i, i)));
    }
    std::vector<memory_source> srcs;
    std::vector<body_reader> readers;
    srcs.reserve(8);
    readers.reserve(8);
    for (int i = 0; i < 8; ++i) {
        srcs.emplace_back(reqs[i].body);
        readers.push_back(body_reader::for_request(reqs[i], srcs.back()));
        t.start(static_cast<request_id>(i + 1), reqs[i], readers.back());
    }
    CHECK(t.in_flight() == 8);
    std::set<request_id> seen;
    while (seen.size() < 8) {
        auto done = t.wait(time_point::max());
        REQUIRE(done);
        CHECK(seen.insert(done->id).second);
        auto i = done->id - 1;
        CHECK(response_of(done->outcome).body == "PUT /r" + std::to_string(i) + " HTTP/1.1");
        CHECK(readers[i].crc64() == crc64_of(reqs[i].body));
    }
    CHECK_FALSE(t.wait(now() + duration(10)));
    CHECK(t.in_flight() == 0);
}

TEST_CASE("curl: a failed DNS lookup reads 'could not resolve host' and does not spoil the handle", "[curl][raw]") {
    // libcurl 7.88 leaves an easy handle half torn down after a failed lookup (it then
    // refuses CURLOPT_BUFFERSIZE): the next request on the same client must still work.
    // ".invalid" never resolves (RFC 6761).
    raw_server srv;
    auto unresolvable = raw_request("GET", srv, "/bucket/k");
    unresolvable.host = "ossmp-test.invalid";
    auto check_unresolved = [](const exchange_result& out) {
        REQUIRE(std::holds_alternative<transport_error>(out));
        auto& e = std::get<transport_error>(out);
        INFO(e.message);
        CHECK(e.code == errc::transport_connect);
        CHECK(e.message.find("could not resolve host ossmp-test.invalid") == 0);
    };
    {
        oc::client c;
        for (int round = 0; round < 2; ++round) {
            check_unresolved(send(c, unresolvable));
            auto out = send(c, raw_request("PUT", srv, "/bucket/after-failure", {}, "body"));
            CHECK(response_of(out).status == 200);
        }
    }
    {
        oc::multi_transport t;
        check_unresolved(send_multi(t, unresolvable));
        CHECK(response_of(send_multi(t, raw_request("PUT", srv, "/bucket/after-failure", {}, "body"))).status == 200);
    }
    CHECK(srv.requests().size() == 3);
}

TEST_CASE("curl: cancel ends requests in flight at once, and later requests work", "[curl][raw]") {
    // A server that holds every request to /slow for 2 s, and answers the rest at once.
    raw_server srv([](const captured& r) {
        if (r.request_line().find("/slow") != std::string::npos) std::this_thread::sleep_for(std::chrono::seconds(2));
        return raw_server::ok_answer();
    });
    auto slow = raw_request("GET", srv, "/slow");
    auto fast = raw_request("GET", srv, "/fast");
    memory_source none{std::string_view{}};
    std::vector<std::unique_ptr<body_reader>> bodies;
    auto reader = [&] { return bodies.emplace_back(std::make_unique<body_reader>(body_reader::for_request(slow, none))).get(); };
    auto drain = [&](auto& t, std::size_t n) {
        std::vector<completion> got;
        auto until = std::chrono::floor<duration>(std::chrono::system_clock::now()) + duration(1000);
        while (got.size() < n) {
            auto c = t.wait(until);
            if (!c) break;
            got.push_back(std::move(*c));
        }
        return got;
    };
    auto check_cancelled = [](const std::vector<completion>& got, std::size_t n) {
        REQUIRE(got.size() == n);
        std::set<request_id> ids;
        for (const auto& c : got) {
            ids.insert(c.id);
            REQUIRE(std::holds_alternative<transport_error>(c.outcome));
            CHECK(std::get<transport_error>(c.outcome).code == errc::cancelled);
        }
        CHECK(ids.size() == n);  // each reported exactly once
    };
    SECTION("thread pool of clients: two in flight, one queued") {
        thread_pool_transport<oc::client> pool(2, [] { return oc::client(); });
        for (request_id id = 1; id <= 3; ++id) pool.start(id, slow, *reader());
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        auto t0 = std::chrono::steady_clock::now();
        pool.cancel();
        check_cancelled(drain(pool, 3), 3);
        CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::milliseconds(600));
        pool.start(4, fast, *reader());
        auto after = drain(pool, 1);
        REQUIRE(after.size() == 1);
        CHECK(after[0].id == 4);
        CHECK(response_of(after[0].outcome).status == 200);
    }
    SECTION("multi transport") {
        oc::multi_transport t;
        for (request_id id = 1; id <= 3; ++id) t.start(id, slow, *reader());
        CHECK_FALSE(t.wait(std::chrono::floor<duration>(std::chrono::system_clock::now()) + duration(200)));
        auto t0 = std::chrono::steady_clock::now();
        t.cancel();
        check_cancelled(drain(t, 3), 3);
        CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::milliseconds(100));
        CHECK(t.in_flight() == 0);
        t.start(4, fast, *reader());
        auto after = drain(t, 1);
        REQUIRE(after.size() == 1);
        CHECK(response_of(after[0].outcome).status == 200);
    }
    SECTION("a client whose stop flag is already up sends nothing") {
        oc::client c;
        std::atomic<bool> stop{true};
        auto out = c.perform(fast, *reader(), stop);
        REQUIRE(std::holds_alternative<transport_error>(out));
        CHECK(std::get<transport_error>(out).code == errc::cancelled);
        stop = false;
        CHECK(response_of(c.perform(fast, *reader(), stop)).status == 200);
        CHECK(srv.requests().size() == 1);
    }
}
