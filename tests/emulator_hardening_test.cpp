// The emulator holds up against hostile and careless clients (issue 17, issue 16 items 7-8):
// an authenticated control plane, strict request framing, bounded heads, a refused busy port.
// Every case starts its own emulator on loopback and finishes in a few seconds.
#include <catch2/catch.hpp>

#include <thread>

#include <emulator_test_support.hpp>

using namespace ossmp;
using emu_test::fixture;

TEST_CASE("the control plane needs the token, refuses web pages, and can be switched off",
          "[emulator][hardening][control]") {
    fixture f;
    const std::string token = f.srv->control_token();
    REQUIRE(token.size() >= 32);
    SECTION("without the token nothing changes") {
        auto r = emu_test::send_raw(f.port(), "PUT /_emulator/faults?error_rate=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                              "Content-Type: text/plain\r\nContent-Length: 0\r\n\r\n");
        CHECK(r.status == 403);
        CHECK(r.body.find(token) == std::string::npos);
        CHECK_FALSE(f.srv->faults().active());
        CHECK(emu_test::send_raw(f.port(), "GET /_emulator/counters HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").status == 403);
    }
    SECTION("a wrong token is refused") {
        auto r = emu_test::send_raw(f.port(), "PUT /_emulator/faults?error_rate=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                              "X-Ossmp-Emulator-Token: " + std::string(token.size(), '0') +
                                              "\r\nContent-Length: 0\r\n\r\n");
        CHECK(r.status == 403);
        CHECK_FALSE(f.srv->faults().active());
    }
    SECTION("a request with an Origin header is refused even with the token") {
        auto r = f.control("PUT", "/_emulator/faults?delay_ms=600000", "Origin: http://evil.example\r\n");
        CHECK(r.status == 403);
        CHECK_FALSE(f.srv->faults().active());
    }
    SECTION("with the token it works") {
        CHECK(f.control("PUT", "/_emulator/faults?error_rate=1").status == 200);
        CHECK(f.srv->faults().active());
    }
    SECTION("switched off, the control plane answers 404 even with the token") {
        auto c = emu_test::default_config();
        c.control_plane = false;
        fixture off(c);
        CHECK_FALSE(off.srv->control_plane());
        CHECK(off.control("PUT", "/_emulator/faults?error_rate=1").status == 404);
        CHECK(off.control("GET", "/_emulator/counters").status == 404);
        CHECK_FALSE(off.srv->faults().active());
    }
    SECTION("a token set in the configuration is the one required") {
        auto c = emu_test::default_config();
        c.control_token = "fixed-token-for-this-test-0123456789";
        fixture fixed(c);
        CHECK(fixed.srv->control_token() == "fixed-token-for-this-test-0123456789");
        CHECK(fixed.control("GET", "/_emulator/counters").status == 200);
    }
}

namespace {

// Sends `bytes` on a fresh connection; returns the first response and whether the server
// then closed the connection (rather than reading on).
std::pair<http_response, bool> answer_and_closed(std::uint16_t port, const std::string& bytes) {
    emu_test::connection c(port);
    c.write_all(bytes);
    auto r = c.read_response();
    timeval tv{3, 0};
    ::setsockopt(c.fd(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char b;
    ssize_t n = ::recv(c.fd(), &b, 1, 0);
    return {r, n == 0 || (n < 0 && errno == ECONNRESET)};
}

}  // namespace

TEST_CASE("header count and head size are bounded (431) and the error body stays small",
          "[emulator][hardening][limits]") {
    fixture f;
    std::string many = "GET /bucket/k HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    for (int i = 0; i < 300; ++i) many += "x-oss-meta-h" + std::to_string(i) + ": v\r\n";
    auto [r1, closed1] = answer_and_closed(f.port(), many + "\r\n");
    CHECK(r1.status == 431);
    CHECK(closed1);
    // A 1 MiB head with a bogus signature: refused before any signature check, with a small body.
    std::string big = "GET /bucket/k HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: OSS test-ak:AAAA\r\n"
                      "Date: Mon, 01 Jan 2024 00:00:00 GMT\r\n";
    for (int i = 0; i < 1024; ++i) big += "x-oss-meta-h" + std::to_string(i) + ": " + std::string(1000, 'v') + "\r\n";
    auto [r2, closed2] = answer_and_closed(f.port(), big + "\r\n");
    CHECK(r2.status == 431);
    CHECK(r2.body.size() < 4096);
    CHECK(closed2);
    // Under the limits, requests work as before.
    CHECK(f.run(make_head_object_request(f.ep, "bucket", "missing").value(), signature_version::v4).status == 404);
}

TEST_CASE("malformed or conflicting framing is 400 and closes the connection; the body never runs as a request",
          "[emulator][hardening][framing]") {
    fixture f;
    // The smuggled request would switch every fault on if it ran.
    std::string smuggled = "PUT /_emulator/faults?error_rate=1&ops=* HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                           "X-Ossmp-Emulator-Token: " + f.srv->control_token() + "\r\nContent-Length: 0\r\n\r\n";
    std::string n = std::to_string(smuggled.size());
    for (const std::string& framing : std::vector<std::string>{"Content-Length: +" + n, "Content-Length: " + n + "abc", std::string("Content-Length: 0x52"),
                                "Content-Length: " + n + ", " + n, "Content-Length: 0\r\nContent-Length: " + n,
                                "Content-Length: " + n + "\r\nContent-Length: " + n,
                                std::string("Transfer-Encoding: identity, chunked"),
                                std::string("Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked"),
                                "Transfer-Encoding: chunked\r\nContent-Length: " + n,
                                "Content-Length: -" + n, "Content-Length:  " + n + " 1"}) {
        INFO(framing);
        auto [r, closed] = answer_and_closed(
            f.port(), "PUT /bucket/smuggle HTTP/1.1\r\nHost: 127.0.0.1\r\n" + framing + "\r\n\r\n" + smuggled);
        CHECK(r.status == 400);
        CHECK(closed);
        CHECK_FALSE(f.srv->faults().active());
    }
    CHECK(f.srv->stats().requests == 0);
}

TEST_CASE("header values with a bare CR, LF or NUL are 400", "[emulator][hardening][framing]") {
    fixture f;
    for (std::string bad : {std::string("a: 1\nb: 2\r\n"), std::string("a: 1\rb: 2\r\n"), std::string("a: 1\0002\r\n", 8),
                            std::string(" folded\r\n"), std::string("no colon\r\n"), std::string("a b: c\r\n"),
                            std::string("X-Ossmp-Emulator-Saved: Content-Type:text/evil\r\n"),
                            std::string("Authorization: OSS a:b\r\nAuthorization: OSS c:d\r\n")}) {
        INFO(bad);
        auto [r, closed] =
            answer_and_closed(f.port(), "GET /bucket/k HTTP/1.1\r\nHost: 127.0.0.1\r\n" + bad + "\r\n");
        CHECK(r.status == 400);
        CHECK(closed);
    }
    // A whole head with bare LF line ends is refused at once rather than waited on.
    auto [r, closed] = answer_and_closed(f.port(), "GET /bucket/k HTTP/1.1\nHost: 127.0.0.1\n\n");
    CHECK(r.status == 400);
    CHECK(closed);
}

TEST_CASE("a second emulator refuses a port already in use, naming it", "[emulator][hardening][port]") {
    fixture first;
    auto c = emu_test::default_config();
    c.port = first.port();
    auto second = emulator::server::start(c);
    REQUIRE_FALSE(second.has_value());
    CHECK(second.error().message.find(std::to_string(first.port())) != std::string::npos);
    CHECK(second.error().message.find("in use") != std::string::npos);
    // The first still answers every request itself.
    for (int i = 0; i < 5; ++i)
        CHECK(first.run(make_head_object_request(first.ep, "bucket", "k").value(), signature_version::v4).status == 404);
}

TEST_CASE("no cliff beyond 32 keep-alive connections: the 41st is served at once", "[emulator][hardening][threads]") {
    fixture f;
    std::vector<std::unique_ptr<emu_test::connection>> idle;
    for (int i = 0; i < 40; ++i) {
        auto req = make_head_object_request(f.ep, "bucket", "k").value();
        REQUIRE(sign_request(req, f.v4, emu_test::now()).has_value());
        idle.push_back(std::make_unique<emu_test::connection>(f.port()));
        REQUIRE(idle.back()->write_all(emu_test::request_head(req, 0)));
        CHECK(idle.back()->read_response(true).status == 404);  // and the connection stays open
    }
    auto start = std::chrono::steady_clock::now();
    CHECK(f.run(make_head_object_request(f.ep, "bucket", "k").value(), signature_version::v4).status == 404);
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
}

TEST_CASE("a client trickling its request head is cut at the head deadline; stop() does not wait for it",
          "[emulator][hardening][slow]") {
    auto c = emu_test::default_config();
    c.head_timeout = std::chrono::milliseconds(1000);
    fixture f(c);
    std::vector<std::unique_ptr<emu_test::connection>> slow;
    for (int i = 0; i < 8; ++i) {
        slow.push_back(std::make_unique<emu_test::connection>(f.port()));
        REQUIRE(slow.back()->write_all("G"));
    }
    // Meanwhile normal requests are served.
    CHECK(f.run(make_head_object_request(f.ep, "bucket", "k").value(), signature_version::v4).status == 404);
    auto start = std::chrono::steady_clock::now();
    bool cut = false;
    for (const char* piece : {"E", "T", " ", "/", "b", "u", "c", "k", "e", "t"}) {
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        if (!slow.front()->write_all(piece)) {
            cut = true;
            break;
        }
        timeval tv{0, 1000};
        ::setsockopt(slow.front()->fd(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        char b;
        if (::recv(slow.front()->fd(), &b, 1, 0) == 0) {
            cut = true;
            break;
        }
    }
    CHECK(cut);
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::milliseconds(2500));

    // Stopping with trickling and idle connections open takes well under a second.
    auto c2 = emu_test::default_config();  // default 10 s head deadline
    fixture g(c2);
    std::vector<std::unique_ptr<emu_test::connection>> held;
    for (int i = 0; i < 4; ++i) {
        held.push_back(std::make_unique<emu_test::connection>(g.port()));
        if (i % 2 == 0) REQUIRE(held.back()->write_all("GET / HT"));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    auto stop_start = std::chrono::steady_clock::now();
    g.srv->stop();
    CHECK(std::chrono::steady_clock::now() - stop_start < std::chrono::seconds(1));
}

TEST_CASE("a refused request is answered at once, without reading its declared body", "[emulator][hardening][body]") {
    fixture f;
    auto expect_prompt_refusal = [&](const std::string& head, int status) {
        emu_test::connection c(f.port());
        REQUIRE(c.write_all(head));
        c.write_all(std::string(256 * 1024, 'x'));  // a start of the body, then nothing more
        auto start = std::chrono::steady_clock::now();
        auto r = c.read_response();
        CHECK(r.status == status);
        CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(3));
        return r;
    };
    SECTION("an unsigned PUT declaring 100 GB") {
        expect_prompt_refusal("PUT /bucket/big HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 107374182400\r\n\r\n", 403);
    }
    SECTION("a signed UploadPart declaring 6 GiB") {
        auto init = parse_initiate_result(f.run(make_initiate_request(f.ep, "bucket", "big").value(), signature_version::v4));
        REQUIRE(init.has_value());
        std::uint64_t six_gib = 6ull << 30;
        // The library refuses to build a part over 5 GiB, so a small part's signed head
        // declares the large length (Content-Length is not signed).
        auto req = make_upload_part_request(f.ep, "bucket", "big", init->upload_id, 1, {0, 1024}).value();
        REQUIRE(sign_request(req, f.v4, emu_test::now()).has_value());
        auto r = expect_prompt_refusal(emu_test::request_head(req, six_gib), 400);
        CHECK(r.body.find("EntityTooLarge") != std::string::npos);
    }
    SECTION("a signed chunked PutObject to a missing bucket") {
        expect_prompt_refusal("PUT /nobucket/k HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n40000\r\n", 404);
    }
}

TEST_CASE("chunked bodies are held to the body size limit while they arrive", "[emulator][hardening][body]") {
    auto cfg = emu_test::default_config();
    cfg.max_body_size = 1 << 20;
    fixture f(cfg);
    auto chunked_put = [&](const std::string& key, std::size_t chunks) {
        auto req = make_put_object_request(f.ep, "bucket", key, {0, 1}).value();
        REQUIRE(sign_request(req, f.v4, emu_test::now()).has_value());
        std::string head = emu_test::request_head(req, 0);
        auto cl = head.find("Content-Length: 0\r\n");
        REQUIRE(cl != std::string::npos);
        head.replace(cl, 19, "Transfer-Encoding: chunked\r\n");
        emu_test::connection c(f.port());
        REQUIRE(c.write_all(head));
        std::string piece(256 * 1024, 'c');
        for (std::size_t i = 0; i < chunks; ++i)
            if (!c.write_all("40000\r\n" + piece + "\r\n")) break;
        c.write_all("0\r\n\r\n");
        return c.read_response();
    };
    CHECK(chunked_put("small", 2).status == 200);
    auto r = chunked_put("large", 8);
    CHECK(r.status == 400);
    CHECK(r.body.find("EntityTooLarge") != std::string::npos);
    CHECK(f.run(make_head_object_request(f.ep, "bucket", "large").value(), signature_version::v4).status == 404);
}

TEST_CASE("Complete accepts part ETags with or without quotes, in either case", "[emulator][hardening][complete]") {
    fixture f;
    std::string data = emu_test::pattern_bytes(1000);
    for (std::string form : {"bare", "lower", "quoted"}) {
        INFO(form);
        auto init = parse_initiate_result(f.run(make_initiate_request(f.ep, "bucket", "e-" + form).value(), signature_version::v4));
        REQUIRE(init.has_value());
        auto up = f.run(make_upload_part_request(f.ep, "bucket", "e-" + form, init->upload_id, 1, {0, data.size()}).value(),
                        signature_version::v4, data);
        REQUIRE(up.status == 200);
        std::string etag(up.headers.get_or("ETag"));
        REQUIRE(etag.size() == 34);
        if (form != "quoted") etag = etag.substr(1, 32);
        if (form == "lower") etag = ossmp::detail::lower(etag);
        std::vector<completed_part> parts{{1, etag}};
        auto done = f.run(make_complete_request(f.ep, "bucket", "e-" + form, init->upload_id, parts).value(),
                          signature_version::v4);
        CHECK(done.status == 200);
    }
}
