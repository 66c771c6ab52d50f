// HTTPS through both adapters against a local TLS server (cpp-httplib's SSLServer with a
// certificate made for the test by the openssl command): a CA file given in the options
// verifies the peer; without it (system store) and for a name the certificate does not
// carry, the request fails as errc::transport_tls; connect_to keeps verification on the
// original name. Skipped (with a message) when the openssl command is not installed.
#include <catch2/catch.hpp>

#include <httplib.h>

#include <ossmp/adapters/curl.hpp>
#include <ossmp/adapters/httplib.hpp>

#include "adapter_harness.hpp"

#include <cstdlib>

using namespace adapter_test;
namespace oc = ossmp::adapters::curl;
namespace oh = ossmp::adapters::httplib;

namespace {

// A TLS server on 127.0.0.1 with a fresh self-signed certificate for localhost/127.0.0.1.
struct tls_server {
    std::filesystem::path dir;
    std::string cert, key;
    std::unique_ptr<::httplib::SSLServer> svr;
    std::thread thread;
    int port = 0;
    bool ok = false;

    tls_server() {
        dir = std::filesystem::temp_directory_path() / ("ossmp-tls-" + std::to_string(::getpid()));
        std::filesystem::create_directories(dir);
        cert = (dir / "cert.pem").string();
        key = (dir / "key.pem").string();
        std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost "
                          "-addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout '" +
                          key + "' -out '" + cert + "' >/dev/null 2>&1";
        if (std::system(cmd.c_str()) != 0) return;
        svr = std::make_unique<::httplib::SSLServer>(cert.c_str(), key.c_str());
        if (!svr->is_valid()) return;
        svr->Get(".*", [](const ::httplib::Request& req, ::httplib::Response& res) {
            res.set_content("tls ok " + req.path, "text/plain");
        });
        svr->Put(".*", [](const ::httplib::Request& req, ::httplib::Response& res) {
            res.set_content(std::to_string(req.body.size()), "text/plain");
        });
        port = svr->bind_to_any_port("127.0.0.1");
        if (port <= 0) return;
        thread = std::thread([this] { svr->listen_after_bind(); });
        for (int i = 0; i < 200 && !svr->is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
        ok = svr->is_running();
    }
    ~tls_server() {
        if (svr) svr->stop();
        if (thread.joinable()) thread.join();
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
    }
    http_request request(std::string method, std::string host, std::string path, std::string body = {}) const {
        http_request r;
        r.method = std::move(method);
        r.scheme = "https";
        r.host = std::move(host) + ":" + std::to_string(port);
        r.path = std::move(path);
        r.body = std::move(body);
        return r;
    }
};

template <class C>
exchange_result send(C& c, const http_request& req) {
    memory_source src(req.body);
    auto body = body_reader::for_request(req, src);
    return c.perform(req, body);
}

std::string describe(const exchange_result& r) {
    if (auto* e = std::get_if<transport_error>(&r)) return "transport error " + std::string(to_string(e->code)) + ": " + e->message;
    const auto& resp = std::get<http_response>(r);
    return "HTTP " + std::to_string(resp.status) + " " + resp.body;
}

bool is_tls_error(const exchange_result& r) {
    auto* e = std::get_if<transport_error>(&r);
    return e && e->code == errc::transport_tls;
}

bool is_ok(const exchange_result& r, const std::string& body) {
    auto* resp = std::get_if<http_response>(&r);
    return resp && resp->status == 200 && resp->body == body;
}

}  // namespace

TEST_CASE("curl over HTTPS: CA file, system store, host mapping", "[tls][curl]") {
    tls_server s;
    if (!s.ok) {
        WARN("skipped: the openssl command or a TLS server is not available");
        return;
    }
    oc::options trusted;
    trusted.ca_file = s.cert;
    {
        oc::client c(trusted);
        auto r = send(c, s.request("GET", "localhost", "/a/../b"));
        INFO(describe(r));
        CHECK(is_ok(r, "tls ok /a/../b"));
        std::string data = pattern(3u << 20, 6);
        r = send(c, s.request("PUT", "127.0.0.1", "/put", data));
        INFO(describe(r));
        CHECK(is_ok(r, std::to_string(data.size())));
    }
    {
        oc::multi_transport t(trusted);
        auto req = s.request("GET", "localhost", "/multi");
        memory_source src(req.body);
        auto body = body_reader::for_request(req, src);
        t.start(7, req, body);
        auto c = t.wait(time_point::max());
        REQUIRE(c);
        INFO(describe(c->outcome));
        CHECK(is_ok(c->outcome, "tls ok /multi"));
    }
    {
        // The system store does not know the test's CA.
        oc::client c;
        auto r = send(c, s.request("GET", "localhost", "/x"));
        INFO(describe(r));
        CHECK(is_tls_error(r));
    }
    {
        // connect_to reaches the server, but the certificate is checked against the
        // original name, which it does not carry.
        auto o = trusted;
        o.connect_to = {{"bucket.oss-test.invalid", 0, "127.0.0.1", 0}};
        oc::client c(o);
        auto r = send(c, s.request("GET", "bucket.oss-test.invalid", "/x"));
        INFO(describe(r));
        CHECK(is_tls_error(r));
        // ...while a mapped name the certificate does carry verifies.
        o.connect_to = {{"localhost", 0, "127.0.0.1", 0}};
        oc::client c2(o);
        r = send(c2, s.request("GET", "localhost", "/mapped"));
        INFO(describe(r));
        CHECK(is_ok(r, "tls ok /mapped"));
    }
    {
        oc::options bad;
        bad.ca_file = (s.dir / "missing.pem").string();
        oc::client c(bad);
        auto r = send(c, s.request("GET", "localhost", "/x"));
        INFO(describe(r));
        CHECK(is_tls_error(r));
    }
}

TEST_CASE("httplib over HTTPS: CA file, system store, host mapping", "[tls][httplib]") {
    tls_server s;
    if (!s.ok) {
        WARN("skipped: the openssl command or a TLS server is not available");
        return;
    }
    oh::options trusted;
    trusted.ca_file = s.cert;
    {
        oh::client c(trusted);
        auto r = send(c, s.request("GET", "localhost", "/a/../b"));
        INFO(describe(r));
        CHECK(is_ok(r, "tls ok /a/../b"));
        std::string data = pattern(3u << 20, 6);
        r = send(c, s.request("PUT", "localhost", "/put", data));
        INFO(describe(r));
        CHECK(is_ok(r, std::to_string(data.size())));
    }
    {
        oh::client c;
        auto r = send(c, s.request("GET", "localhost", "/x"));
        INFO(describe(r));
        CHECK(is_tls_error(r));
    }
    {
        auto o = trusted;
        o.connect_to = {{"bucket.oss-test.invalid", 0, "127.0.0.1", 0}};
        oh::client c(o);
        auto r = send(c, s.request("GET", "bucket.oss-test.invalid", "/x"));
        INFO(describe(r));
        CHECK(is_tls_error(r));
    }
}
