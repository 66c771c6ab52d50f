// The Boost.Asio adapter: uploads driven by coroutines on one thread against in-process
// emulators over loopback (64 at once, V1/V4, path and virtual-hosted; under faults; over
// TLS through a local TLS front with its own CA; cancelled under both end policies; from a
// stream; with digests sliced or off-loaded), the shared adapter conformance checks, and
// byte-level checks of the client against a raw loopback server (headers as signed,
// keep-alive, HEAD, a dead kept-alive connection, body failures, timeouts, an early
// answer). Every upload is verified by CRC-64 and read back. Also: the README's example
// runs, README.md shows it verbatim, and ossmp-asio-many prints its JSON line.
//
// One translation unit on purpose: Beast and Asio coroutines compile slowly.
#include <catch2/catch.hpp>

#include <ossmp/adapters/asio.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include "../examples/asio_upload.hpp"
#include "adapter_conformance.hpp"
#include "json.hpp"
#include "process.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>

using namespace adapter_test;
namespace oa = ossmp::adapters::asio;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

oa::options loopback_options() {
    oa::options o;
    o.connect_to = {{"bucket.localhost", 0, "127.0.0.1", 0}};
    return o;
}

// One exchange on a private io_context: what the conformance checks and read-backs use.
struct blocking_client {
    oa::options opts = loopback_options();
    exchange_result perform(const http_request& req, body_reader& body) {
        net::io_context io;
        oa::client c(io.get_executor(), opts);
        exchange_result out;
        net::co_spawn(io, c.perform(req, body), [&](std::exception_ptr e, exchange_result r) {
            if (e) std::rethrow_exception(e);
            out = std::move(r);
        });
        io.run();
        return out;
    }
};

// Drives `m` to its end with async_upload on a fresh io_context run by this thread.
template <class S>
result<upload_outcome> upload_on_loop(upload_machine& m, S& source, const oa::options& opts = loopback_options(),
                                      const oa::upload_options& uo = {}) {
    net::io_context io;
    oa::client c(io.get_executor(), opts);
    std::optional<result<upload_outcome>> out;
    oa::async_upload(m, c, source, uo, [&](result<upload_outcome> r) { out = std::move(r); });
    io.run();
    REQUIRE(out);
    return std::move(*out);
}

struct asio_kind {
    static constexpr const char* name = "asio (one thread)";
    using client_type = blocking_client;
    static client_type make_client() { return {}; }
    template <class S>
    static result<upload_outcome> run_machine(upload_machine& m, S& source) {
        return upload_on_loop(m, source);
    }
};

exchange_result send(const http_request& req, const oa::options& opts = {}) {
    memory_source src(req.body);
    auto body = body_reader::for_request(req, src);
    blocking_client c{opts};
    return c.perform(req, body);
}

std::string describe(const exchange_result& r) {
    if (auto* e = std::get_if<transport_error>(&r))
        return "transport error " + std::string(to_string(e->code)) + ": " + e->message;
    const auto& resp = std::get<http_response>(r);
    return "HTTP " + std::to_string(resp.status) + " " + resp.body.substr(0, 200);
}

const http_response& response_of(const exchange_result& r) {
    if (auto* e = std::get_if<transport_error>(&r)) FAIL("transport error: " << e->message);
    return std::get<http_response>(r);
}

errc error_code_of(const exchange_result& r) {
    auto* e = std::get_if<transport_error>(&r);
    return e ? e->code : errc::ok;
}

// GetObject on `c` (inside a coroutine on c's executor): the body when it is `expect` and
// the CRC-64 header agrees, else a description of what differed.
net::awaitable<std::string> read_back(oa::client& c, const test_emulator& e, addressing_style style,
                                      signature_version v, std::string key, std::string_view expect) {
    auto req = make_get_object_request(e.ep(style), "bucket", key).value();
    sign_request(req, e.signing(v), now()).value();
    body_reader none;
    auto r = co_await c.perform(req, none);
    if (auto* te = std::get_if<transport_error>(&r)) co_return key + ": " + te->message;
    auto& resp = std::get<http_response>(r);
    if (resp.status != 200) co_return key + ": HTTP " + std::to_string(resp.status);
    if (resp.body != expect) co_return key + ": " + std::to_string(resp.body.size()) + " bytes differ";
    if (resp.headers.get_or("x-oss-hash-crc64ecma") != crc_text(expect)) co_return key + ": CRC-64 header differs";
    co_return std::string();
}

// Upload i of upload_many: 0 B, 1 B, then 100 KiB up to ~670 KiB (1 to 7 parts of
// 100 KiB), starting at byte 4096 * i of the data.
std::size_t many_size(std::size_t i) { return i == 0 ? 0 : i == 1 ? 1 : (100u << 10) + (i % 5) * (90u << 10) + i * 331u; }
std::string_view many_slice(const std::string& data, std::size_t i) {
    return std::string_view(data.data() + i * 4096, many_size(i));
}

// `count` uploads of slices of `data` started at once on one io_context (this thread),
// each read back by the same client when it ends. Returns one message per failure.
struct many_result {
    std::vector<std::string> failures;
    oa::client_stats stats;
    bool all_on_this_thread = true;
    std::size_t most_running = 0;
};
many_result upload_many(const test_emulator& e, const std::string& data, int count, upload_spec base,
                        const oa::options& opts, bool read_each_back = true) {
    net::io_context io;
    oa::client c(io.get_executor(), opts);
    std::vector<upload_machine> machines;
    std::vector<memory_source> sources;
    machines.reserve(static_cast<std::size_t>(count));
    sources.reserve(static_cast<std::size_t>(count));
    many_result out;
    std::size_t running = 0;
    const auto loop_thread = std::this_thread::get_id();
    for (int i = 0; i < count; ++i) {
        auto slice = many_slice(data, static_cast<std::size_t>(i));
        upload_spec spec = base;
        spec.key = base.key + "/" + std::to_string(i);
        spec.size = slice.size();
        spec.part_size = 100u << 10;
        auto m = upload_machine::create(make_config(e, spec));
        REQUIRE(m);
        machines.push_back(std::move(*m));
        sources.emplace_back(slice);
    }
    for (int i = 0; i < count; ++i) {
        auto one = [&, i]() -> net::awaitable<void> {
            ++running;
            out.most_running = std::max(out.most_running, running);
            auto& src = sources[static_cast<std::size_t>(i)];
            auto r = co_await oa::upload(machines[static_cast<std::size_t>(i)], c, src);
            out.all_on_this_thread &= std::this_thread::get_id() == loop_thread;
            --running;
            std::string key = base.key + "/" + std::to_string(i);
            auto expect = many_slice(data, static_cast<std::size_t>(i));
            if (!r) {
                out.failures.push_back(key + ": " + r.error().what());
                co_return;
            }
            if (r->crc64 != crc64_of(expect) || r->size != expect.size()) out.failures.push_back(key + ": outcome differs");
            if (!read_each_back) co_return;
            if (auto bad = co_await read_back(c, e, base.style, base.version, key, expect); !bad.empty())
                out.failures.push_back(bad);
        };
        net::co_spawn(io, one, net::detached);
    }
    io.run();
    out.stats = c.stats();
    return out;
}

// The emulator's multipart uploads still open in bucket "bucket".
std::size_t open_uploads(const test_emulator& e) {
    auto req = make_list_uploads_request(e.ep(addressing_style::path), "bucket").value();
    sign_request(req, e.signing(signature_version::v4), now()).value();
    auto r = send(req);
    auto listed = parse_list_uploads_result(response_of(r));
    REQUIRE(listed);
    return listed->uploads.size();
}

// A TLS front for an emulator on 127.0.0.1: terminates TLS with a certificate made for the
// test (openssl command; names localhost, bucket.localhost and 127.0.0.1) and pipes bytes to
// the emulator's plain port, on a thread of its own. Records the SNI name of each connection.
class tls_front {
public:
    explicit tls_front(std::uint16_t upstream) : upstream_(upstream) {
        dir_ = std::filesystem::temp_directory_path() / ("ossmp-asio-tls-" + std::to_string(::getpid()));
        std::filesystem::create_directories(dir_);
        cert = (dir_ / "cert.pem").string();
        std::string key = (dir_ / "key.pem").string();
        std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost "
                          "-addext subjectAltName=DNS:localhost,DNS:bucket.localhost,IP:127.0.0.1 -keyout '" +
                          key + "' -out '" + cert + "' >/dev/null 2>&1";
        if (std::system(cmd.c_str()) != 0) return;
        boost::system::error_code ec;
        ctx_.use_certificate_chain_file(cert, ec);
        if (!ec) ctx_.use_private_key_file(key, net::ssl::context::pem, ec);
        if (ec) return;
        acceptor_.open(tcp::v4());
        acceptor_.bind({net::ip::make_address("127.0.0.1"), 0});
        acceptor_.listen();
        port = acceptor_.local_endpoint().port();
        net::co_spawn(io_, accept_loop(), net::detached);
        thread_ = std::thread([this] { io_.run(); });
        ok = true;
    }
    ~tls_front() {
        io_.stop();
        if (thread_.joinable()) thread_.join();
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
    std::vector<std::string> sni() {
        std::lock_guard lock(mu_);
        return sni_;
    }

    bool ok = false;
    std::uint16_t port = 0;
    std::string cert;

private:
    using tls_stream = net::ssl::stream<tcp::socket>;

    net::awaitable<void> accept_loop() {
        for (;;) {
            auto [ec, s] = co_await acceptor_.async_accept(net::as_tuple(net::use_awaitable));
            if (ec) co_return;
            net::co_spawn(io_, serve(std::make_shared<tls_stream>(std::move(s), ctx_)), net::detached);
        }
    }
    net::awaitable<void> serve(std::shared_ptr<tls_stream> down) {
        auto [hec] = co_await down->async_handshake(net::ssl::stream_base::server, net::as_tuple(net::use_awaitable));
        if (hec) co_return;
        const char* name = SSL_get_servername(down->native_handle(), TLSEXT_NAMETYPE_host_name);
        {
            std::lock_guard lock(mu_);
            sni_.push_back(name ? name : "");
        }
        auto up = std::make_shared<tcp::socket>(io_);
        auto [cec] = co_await up->async_connect({net::ip::make_address("127.0.0.1"), upstream_},
                                                net::as_tuple(net::use_awaitable));
        if (cec) co_return;
        net::co_spawn(io_, pump(down, up), net::detached);
        co_await pump(up, down);
    }
    // Copies from `from` to `to` until either side ends, then closes both.
    template <class From, class To>
    static net::awaitable<void> pump(std::shared_ptr<From> from, std::shared_ptr<To> to) {
        std::vector<char> buf(64 * 1024);
        for (;;) {
            auto [rec, n] = co_await from->async_read_some(net::buffer(buf), net::as_tuple(net::use_awaitable));
            if (rec) break;
            auto [wec, w] = co_await net::async_write(*to, net::buffer(buf.data(), n), net::as_tuple(net::use_awaitable));
            if (wec) break;
        }
        boost::system::error_code ignored;
        from->lowest_layer().close(ignored);
        to->lowest_layer().close(ignored);
    }

    std::uint16_t upstream_;
    std::filesystem::path dir_;
    net::ssl::context ctx_{net::ssl::context::tls_server};  // before io_: outlives the streams
    net::io_context io_;
    tcp::acceptor acceptor_{io_};
    std::thread thread_;
    std::mutex mu_;
    std::vector<std::string> sni_;
};

std::string slurp(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    std::ostringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

}  // namespace

// ---- many uploads, one thread ----------------------------------------------------------

TEST_CASE("asio: 64 concurrent uploads on one thread, V1/V4 x path/virtual-hosted, read back", "[asio][emulator]") {
    test_emulator e;  // 32 server threads: the client keeps to 24 connections
    const std::string data = pattern(2u << 20, 17);
    for (auto v : {signature_version::v1, signature_version::v4}) {
        for (auto style : {addressing_style::path, addressing_style::virtual_hosted}) {
            INFO(version_name(v) << " " << style_name(style));
            upload_spec base;
            base.version = v;
            base.style = style;
            base.key = std::string("many/") + version_name(v) + "/" + style_name(style);
            base.in_flight = 3;
            auto opts = loopback_options();
            opts.max_connections_per_host = 24;
            auto r = upload_many(e, data, 64, base, opts);
            for (const auto& f : r.failures) FAIL_CHECK(f);
            CHECK(r.failures.empty());
            CHECK(r.all_on_this_thread);
            CHECK(r.most_running == 64);
            // The limit held and was reached (64 uploads want up to 192 requests at once),
            // and connections were kept alive and reused.
            CHECK(r.stats.peak_per_host == 24);
            CHECK(r.stats.connections_opened <= 24 + r.stats.stale_retries);
            CHECK(r.stats.reused > r.stats.exchanges / 2);
        }
    }
    auto st = e.srv->stats();
    CHECK(st.signature_failures == 0);
    CHECK(st.auth_failures == 0);
}

TEST_CASE("asio: 16 concurrent uploads through resets, 5xx, delays and 200-with-Error, Complete included",
          "[asio][faults]") {
    // Two rounds: every fault kind on Initiate and UploadPart, then 5xx and 200-with-Error
    // on every operation (Complete included: a failed or garbled Complete is retried).
    // (No resets on Complete: the emulator reads a Complete body that was already read
    // when a reset hits it, and then waits out its read timeout.)
    ossmp::emulator::fault_config all_kinds;
    all_kinds.seed = 11;
    all_kinds.operations = {"InitiateMultipartUpload", "UploadPart"};
    all_kinds.error_rate = 0.08;
    all_kinds.error_status = 503;
    all_kinds.reset_rate = 0.08;
    all_kinds.reset_after_bytes = 16 * 1024;
    all_kinds.error200_rate = 0.08;
    all_kinds.delay_ms = 2;
    ossmp::emulator::fault_config answers;
    answers.seed = 12;
    answers.operations = {};  // every operation
    answers.error_rate = 0.1;
    answers.error_status = 500;
    answers.error200_rate = 0.1;
    test_emulator e;
    const std::string data = pattern(2u << 20, 23);
    int round = 0;
    for (const auto& f : {all_kinds, answers}) {
        INFO("round " << round);
        e.srv->set_faults(f);
        upload_spec base;
        base.key = "faulty/" + std::to_string(round++);
        base.in_flight = 3;
        base.max_attempts = 12;
        auto opts = loopback_options();
        opts.max_connections_per_host = 24;
        auto r = upload_many(e, data, 16, base, opts, false);
        for (const auto& msg : r.failures) FAIL_CHECK(msg);
        CHECK(r.failures.empty());
        CHECK(r.all_on_this_thread);
        // Read back with the faults off (they would hit GetObject too).
        e.srv->set_faults(no_faults());
        for (std::size_t i = 0; i < 16; ++i)
            require_object<asio_kind>(e, addressing_style::path, signature_version::v4,
                                      base.key + "/" + std::to_string(i), many_slice(data, i));
    }
    auto st = e.srv->stats();
    CHECK(st.faults_injected > 0);
    CHECK(st.operations["CompleteMultipartUpload"].requests > 32);  // some Complete was retried
    CHECK(st.signature_failures == 0);
}

// ---- the shared conformance checks -----------------------------------------------------

TEST_CASE("asio: V1/V4 x path/virtual-hosted x 0 B..64 MiB round trips", "[asio][emulator]") {
    roundtrip_matrix<asio_kind>();
}
TEST_CASE("asio: keys with dot segments are sent verbatim", "[asio][emulator]") { dot_segments_verbatim<asio_kind>(); }
TEST_CASE("asio: uploads complete through 500/503, resets, delays and 200-with-Error", "[asio][faults]") {
    faults_recovered<asio_kind>();
}
TEST_CASE("asio: when retries run out the upload fails clearly and leaves no object", "[asio][faults]") {
    faults_exhausted<asio_kind>();
}
TEST_CASE("asio: a refused connection fails fast as transport_connect", "[asio][faults]") {
    connection_refused<asio_kind>();
}
TEST_CASE("asio: a failing source fails the upload with its own error, unretried", "[asio][faults]") {
    source_failure_is_fatal<asio_kind>();
}

// ---- TLS ---------------------------------------------------------------------------------

TEST_CASE("asio over HTTPS: uploads through a local CA, SNI, host names and addresses checked", "[asio][tls]") {
    test_emulator e;
    tls_front front(e.port());
    if (!front.ok) {
        WARN("skipped: the openssl command is not available");
        return;
    }
    oa::options trusted;
    trusted.ca_file = front.cert;
    trusted.connect_to = {{"bucket.localhost", 0, "127.0.0.1", 0}};
    const std::string data = pattern(3u << 20, 31);
    struct tls_case {
        const char* url;
        addressing_style style;
        signature_version v;
        const char* sni;
    };
    for (const auto& tc : {tls_case{"https://localhost:", addressing_style::virtual_hosted, signature_version::v4,
                                    "bucket.localhost"},
                           tls_case{"https://127.0.0.1:", addressing_style::path, signature_version::v1, ""}}) {
        INFO(tc.url);
        upload_spec spec;
        spec.style = tc.style;
        spec.version = tc.v;
        spec.key = std::string("tls/") + style_name(tc.style);
        spec.size = data.size();
        spec.part_size = 1u << 20;
        auto cfg = make_config(e, spec);
        cfg.ep = parse_endpoint(tc.url + std::to_string(front.port), tc.style).value();
        auto m = upload_machine::create(cfg).value();
        memory_source src(data);
        auto r = upload_on_loop(m, src, trusted);
        INFO((r ? std::string("uploaded") : r.error().what()));
        REQUIRE(r);
        CHECK(r->crc64 == crc64_of(data));
        // Read back over TLS too.
        auto get = make_get_object_request(cfg.ep, "bucket", spec.key).value();
        sign_request(get, e.signing(tc.v), now()).value();
        auto back = send(get, trusted);
        INFO(describe(back));
        REQUIRE(error_code_of(back) == errc::ok);
        CHECK(response_of(back).body == data);
        // SNI carries host names only, never an address.
        auto names = front.sni();
        REQUIRE(!names.empty());
        CHECK(names.back() == tc.sni);
    }
    auto plain = [&](std::string host) {
        http_request r;
        r.method = "GET";
        r.scheme = "https";
        r.host = std::move(host) + ":" + std::to_string(front.port);
        r.path = "/bucket/none";
        return r;
    };
    {
        // The system store does not know the test's CA.
        auto r = send(plain("localhost"));
        INFO(describe(r));
        CHECK(error_code_of(r) == errc::transport_tls);
    }
    {
        // Mapped to the server, but the certificate does not carry the name.
        auto o = trusted;
        o.connect_to = {{"oss-test.invalid", 0, "127.0.0.1", 0}};
        auto r = send(plain("oss-test.invalid"), o);
        INFO(describe(r));
        CHECK(error_code_of(r) == errc::transport_tls);
        CHECK(std::get<transport_error>(r).message.find("mismatch") != std::string::npos);
    }
    {
        auto o = trusted;
        o.ca_file = front.cert + ".missing";
        auto r = send(plain("localhost"), o);
        INFO(describe(r));
        CHECK(error_code_of(r) == errc::transport_tls);
        CHECK(std::get<transport_error>(r).message.find("cannot load CA file") != std::string::npos);
    }
    CHECK(e.srv->stats().signature_failures == 0);
}

// ---- cancellation ------------------------------------------------------------------------

TEST_CASE("asio: cancellation mid-upload aborts, or keeps the upload for a resume that completes it",
          "[asio][cancel]") {
    ossmp::emulator::fault_config slow;
    slow.delay_ms = 15;  // parts take a while, so the cancellation lands mid-upload
    const std::string data = pattern(12u << 20, 41);
    for (auto policy : {end_policy::abort, end_policy::keep}) {
        // Abort with a terminal cancellation (cuts the parts in flight short), keep with a
        // total one (lets them finish): both types, both policies.
        auto type = policy == end_policy::abort ? net::cancellation_type::terminal : net::cancellation_type::total;
        INFO((policy == end_policy::abort ? "abort, terminal" : "keep, total"));
        test_emulator e(slow);
        upload_spec spec;
        spec.key = "cancel";
        spec.size = data.size();
        spec.part_size = 256u << 10;  // 48 parts
        spec.in_flight = 3;
        auto cfg = make_config(e, spec);
        cfg.on_cancel = policy;
        cfg.checkpoints = policy == end_policy::keep;
        memory_source src(data);
        auto m = upload_machine::create(cfg).value();
        std::optional<checkpoint> saved;
        oa::upload_options uo;
        uo.save_checkpoint = [&](std::string text) -> result<void> {
            auto cp = parse_checkpoint(text);
            if (!cp) return cp.error();
            saved = std::move(*cp);
            return ok();
        };
        net::io_context io;
        oa::client c(io.get_executor(), loopback_options());
        net::cancellation_signal stop;
        std::optional<result<upload_outcome>> out;
        oa::async_upload(m, c, src, uo,
                         net::bind_cancellation_slot(stop.slot(), [&](result<upload_outcome> r) { out = std::move(r); }));
        // Cancels once a few parts are confirmed, from the same loop.
        net::co_spawn(io, [&]() -> net::awaitable<void> {
            net::steady_timer t(io);
            while (!out && m.stats().parts_done < 4) {
                t.expires_after(std::chrono::milliseconds(2));
                co_await t.async_wait(net::use_awaitable);
            }
            if (!out) stop.emit(type);
        }, net::detached);
        io.run();
        REQUIRE(out);
        REQUIRE_FALSE(*out);
        INFO(out->error().what());
        CHECK(out->error().code == errc::cancelled);
        auto done = m.stats().parts_done;
        CHECK(done >= 4);
        CHECK(done < 48);
        auto ops = e.srv->stats().operations;
        if (policy == end_policy::abort) {
            CHECK(ops["AbortMultipartUpload"].succeeded == 1);
            CHECK(open_uploads(e) == 0);
            require_absent_or_equal<asio_kind>(e, "cancel", data);
            CHECK(c.stats().open == c.stats().idle);  // cut connections were closed, none leaked
        } else {
            CHECK(ops["AbortMultipartUpload"].requests == 0);
            CHECK(open_uploads(e) == 1);
            CHECK(out->error().kept_upload_id == m.upload_id());
            REQUIRE(saved);
            CHECK(saved->parts.size() == done);
            // The resume sends only what is missing and completes the object.
            auto resumed = upload_machine::resume(cfg, *saved).value();
            auto r = upload_on_loop(resumed, src);
            INFO((r ? std::string("resumed") : r.error().what()));
            REQUIRE(r);
            CHECK(r->crc64 == crc64_of(data));
            CHECK(resumed.stats().bytes_resumed == std::uint64_t{done} * (256u << 10));
            require_object<asio_kind>(e, addressing_style::path, signature_version::v4, "cancel", data);
        }
    }
}

// ---- sources, digests, checkpoints -------------------------------------------------------

TEST_CASE("asio: a stream source of unknown size, read on the loop and off it", "[asio][stream]") {
    test_emulator e;
    const std::string data = pattern((5u << 20) + 12345, 47);
    net::thread_pool helpers(1);
    for (bool offload : {false, true}) {
        INFO((offload ? "stream reads off-loaded" : "stream reads on the loop"));
        std::size_t pos = 0;
        std::mutex mu;  // the off-loaded reads run on the pool's thread
        stream_source src([&](std::span<char> out) -> result<std::size_t> {
            std::lock_guard lock(mu);
            // Short reads, as a pipe gives them.
            std::size_t n = std::min({out.size(), data.size() - pos, std::size_t{70000}});
            std::memcpy(out.data(), data.data() + pos, n);
            pos += n;
            return n;
        });
        upload_spec spec;
        spec.key = offload ? "stream/offload" : "stream/loop";
        spec.part_size = 1u << 20;
        auto cfg = make_config(e, spec);
        cfg.source.size.reset();  // unknown size
        auto m = upload_machine::create(cfg).value();
        oa::upload_options uo;
        if (offload) uo.offload = helpers.get_executor();
        auto r = upload_on_loop(m, src, loopback_options(), uo);
        INFO((r ? std::string("uploaded") : r.error().what()));
        REQUIRE(r);
        CHECK(r->size == data.size());
        CHECK(r->crc64 == crc64_of(data));
        CHECK(r->part_count == 6);
        CHECK(src.buffered_bytes() == 0);  // every part buffer was released
        require_object<asio_kind>(e, addressing_style::path, signature_version::v4, spec.key, data);
    }
}

TEST_CASE("asio: Content-MD5 digests, sliced on the loop or off-loaded, and checkpoints to a file",
          "[asio][digest]") {
    test_emulator e;
    const std::string data = pattern(6u << 20, 53);
    temp_file tf(data, "digest.bin");
    net::thread_pool helpers(1);
    for (bool offload : {false, true}) {
        INFO((offload ? "digests off-loaded" : "digests sliced on the loop"));
        auto file = file_source::open(tf.path.string()).value();
        upload_spec spec;
        spec.key = offload ? "md5/offload" : "md5/sliced";
        spec.size = data.size();
        spec.part_size = 2u << 20;
        auto cfg = make_config(e, spec);
        cfg.content_md5 = true;
        cfg.checkpoints = true;
        cfg.source = file.identity().value();
        auto m = upload_machine::create(cfg).value();
        oa::upload_options uo;
        uo.digest_slice = 256u << 10;  // 8 slices per part
        uo.checkpoint_path = (tf.path.string() + ".checkpoint");
        if (offload) uo.offload = helpers.get_executor();
        // A heartbeat on the same loop counts how often it ran while the upload did: sliced
        // digests must let it run between slices (8 per part at least, 3 parts).
        net::io_context io;
        oa::client c(io.get_executor(), loopback_options());
        std::optional<result<upload_outcome>> out;
        int beats = 0;
        oa::async_upload(m, c, file, uo, [&](result<upload_outcome> r) { out = std::move(r); });
        net::co_spawn(io, [&]() -> net::awaitable<void> {
            while (!out) {
                ++beats;
                co_await net::post(io, net::use_awaitable);
            }
        }, net::detached);
        io.run();
        REQUIRE(out);
        INFO((*out ? std::string("uploaded") : out->error().what()));
        REQUIRE(*out);
        CHECK((*out)->crc64 == crc64_of(data));
        CHECK(beats >= 24);
        // The last checkpoint names every part.
        auto cp = parse_checkpoint(slurp(uo.checkpoint_path));
        REQUIRE(cp);
        CHECK(cp->parts.size() == 3);
        std::filesystem::remove(uo.checkpoint_path);
        require_object<asio_kind>(e, addressing_style::path, signature_version::v4, spec.key, data);
    }
}

// ---- byte level, against a raw server ------------------------------------------------------

TEST_CASE("asio: headers arrive exactly as given, nothing added, one kept-alive connection", "[asio][raw]") {
    raw_server srv;
    net::io_context io;
    oa::client c(io.get_executor());
    std::string part = pattern(3u << 20, 4);
    std::vector<http_request> reqs = {
        raw_request("POST", srv, "/bucket/a/../b?uploads",
                    {{"x-oss-date", "20240101T000000Z"}, {"Authorization", "OSS ak:sig"}}),
        raw_request("POST", srv, "/bucket/a/./c?uploadId=X", {{"X-Oss-Meta-Empty", ""}},
                    "<CompleteMultipartUpload></CompleteMultipartUpload>"),
        raw_request("PUT", srv, "/bucket/%E4%B8%AD%20x?partNumber=1&uploadId=X",
                    {{"Content-Type", "application/octet-stream"}}, part),
        raw_request("PUT", srv, "/bucket/empty"),
        raw_request("DELETE", srv, "/bucket/k?uploadId=X"),
    };
    std::vector<exchange_result> results;
    net::co_spawn(io, [&]() -> net::awaitable<void> {
        for (const auto& r : reqs) {
            memory_source src(r.body);
            auto body = body_reader::for_request(r, src);
            results.push_back(co_await c.perform(r, body));
        }
    }, net::detached);
    io.run();
    REQUIRE(results.size() == reqs.size());
    for (const auto& r : results) CHECK(response_of(r).status == 200);
    auto seen = srv.requests();
    REQUIRE(seen.size() == 5);
    CHECK(seen[0].request_line() == "POST /bucket/a/../b?uploads HTTP/1.1");
    CHECK(seen[0].values("Content-Length") == std::vector<std::string>{"0"});
    CHECK(seen[0].values("Host") == std::vector<std::string>{reqs[0].host});
    CHECK(seen[0].values("Authorization") == std::vector<std::string>{"OSS ak:sig"});
    CHECK(seen[0].values("x-oss-date") == std::vector<std::string>{"20240101T000000Z"});
    CHECK(seen[1].request_line() == "POST /bucket/a/./c?uploadId=X HTTP/1.1");
    CHECK(seen[1].body == reqs[1].body);
    CHECK(seen[1].values("X-Oss-Meta-Empty") == std::vector<std::string>{""});
    CHECK(seen[2].request_line() == "PUT /bucket/%E4%B8%AD%20x?partNumber=1&uploadId=X HTTP/1.1");
    CHECK(seen[2].values("Content-Type") == std::vector<std::string>{"application/octet-stream"});
    CHECK(seen[2].values("Content-Length") == std::vector<std::string>{std::to_string(part.size())});
    CHECK(seen[2].body == part);
    CHECK(seen[3].values("Content-Length") == std::vector<std::string>{"0"});
    CHECK(seen[4].request_line() == "DELETE /bucket/k?uploadId=X HTTP/1.1");
    CHECK_FALSE(seen[4].has("Content-Length"));
    for (std::size_t i = 0; i < seen.size(); ++i) {
        const auto& r = seen[i];
        INFO(r.head);
        if (i != 2) CHECK_FALSE(r.has("Content-Type"));
        for (const char* h : {"Expect", "Accept", "User-Agent", "Transfer-Encoding", "Content-MD5", "Connection"})
            CHECK_FALSE(r.has(h));
        CHECK(r.values("Host").size() == 1);
        CHECK(r.connection == 1);
    }
    CHECK(srv.connections() == 1);
    CHECK(c.stats().connections_opened == 1);
    CHECK(c.stats().reused == 4);
}

TEST_CASE("asio: HEAD answers with Content-Length and no body; names as received; 1xx skipped", "[asio][raw]") {
    raw_server srv([](const captured& r) {
        if (r.request_line().rfind("HEAD", 0) == 0)
            return std::string("HTTP/1.1 200 OK\r\nContent-Length: 123456\r\nX-Mixed-Case: v\r\nETag: \"E\"\r\n\r\n");
        return "HTTP/1.1 100 Continue\r\n\r\n" + raw_server::ok_answer("hello", "x-oss-hash-crc64ecma: 42\r\n");
    });
    net::io_context io;
    oa::client c(io.get_executor());
    exchange_result head, get;
    net::co_spawn(io, [&]() -> net::awaitable<void> {
        body_reader none;
        head = co_await c.perform(raw_request("HEAD", srv, "/bucket/k"), none);
        get = co_await c.perform(raw_request("GET", srv, "/bucket/k"), none);
    }, net::detached);
    io.run();
    const auto& h = response_of(head);
    CHECK(h.status == 200);
    CHECK(h.body.empty());
    CHECK(h.headers.get_or("Content-Length") == "123456");
    bool mixed = false;
    for (const auto& f : h.headers) mixed |= f.name == "X-Mixed-Case" && f.value == "v";
    CHECK(mixed);
    const auto& g = response_of(get);
    CHECK(g.status == 200);
    CHECK(g.body == "hello");
    CHECK(g.headers.get_or("x-oss-hash-crc64ecma") == "42");
    CHECK(srv.connections() == 1);
}

TEST_CASE("asio: a kept-alive connection that died is replaced once, the body rewound", "[asio][raw]") {
    // The second request on the first connection is read completely and then dropped
    // without an answer, as a server closing an idle connection would.
    raw_server srv([](const captured& r) {
        if (r.connection == 1 && r.index == 2) return std::string();
        return raw_server::ok_answer();
    });
    net::io_context io;
    oa::client c(io.get_executor());
    std::string data = pattern(200000, 8);
    auto first = raw_request("PUT", srv, "/bucket/one", {}, "first");
    auto second = raw_request("PUT", srv, "/bucket/two", {}, data);
    memory_source src1(first.body), src2(second.body);
    auto body1 = body_reader::for_request(first, src1);
    auto body2 = body_reader::for_request(second, src2);
    exchange_result r1, r2;
    net::co_spawn(io, [&]() -> net::awaitable<void> {
        r1 = co_await c.perform(first, body1);
        r2 = co_await c.perform(second, body2);
    }, net::detached);
    io.run();
    CHECK(response_of(r1).status == 200);
    CHECK(response_of(r2).status == 200);
    CHECK(body2.complete());
    CHECK(body2.crc64() == crc64_of(data));
    auto seen = srv.requests();
    REQUIRE(seen.size() == 3);
    CHECK(seen[1].body == data);
    CHECK(seen[2].body == data);
    CHECK(seen[2].connection == 2);
    CHECK(c.stats().stale_retries == 1);
}

TEST_CASE("asio: body read failures end the request with the source's error", "[asio][raw]") {
    raw_server srv;
    std::string data = pattern(5u << 20, 2);
    for (auto code : {errc::io_error, errc::ok}) {
        failing_source src{data, 3u << 20, code};
        auto req = raw_request("PUT", srv, "/bucket/k");
        req.source = body_range{0, data.size()};
        body_reader body(src, *req.source);
        blocking_client c;
        auto out = c.perform(req, body);
        REQUIRE(std::holds_alternative<transport_error>(out));
        auto& e = std::get<transport_error>(out);
        INFO(e.message);
        CHECK(e.code == (code == errc::ok ? errc::source_short_read : errc::io_error));
        CHECK(e.message.find("reading the request body failed") != std::string::npos);
    }
}

TEST_CASE("asio: idle and total timeouts are transport_timeout; bad requests are refused before sending",
          "[asio][raw]") {
    raw_server srv([](const captured&) {
        std::this_thread::sleep_for(std::chrono::milliseconds(700));
        return raw_server::ok_answer();
    });
    oa::options idle;
    idle.idle_timeout = std::chrono::milliseconds(150);
    auto r = send(raw_request("GET", srv, "/slow"), idle);
    INFO(describe(r));
    CHECK(error_code_of(r) == errc::transport_timeout);
    CHECK(std::get<transport_error>(r).message.find("no progress for 150 ms") != std::string::npos);
    oa::options total;
    total.idle_timeout = std::chrono::milliseconds(0);
    total.total_timeout = std::chrono::milliseconds(200);
    r = send(raw_request("GET", srv, "/slow"), total);
    INFO(describe(r));
    CHECK(error_code_of(r) == errc::transport_timeout);
    CHECK(std::get<transport_error>(r).message.find("total timeout") != std::string::npos);

    auto bad_header = raw_request("GET", srv, "/x", {{"X-Bad", "a\r\nInjected: 1"}});
    r = send(bad_header);
    CHECK(error_code_of(r) == errc::transport_other);
    auto bad_host = raw_request("GET", srv, "/x");
    bad_host.host = "127.0.0.1:99999";
    r = send(bad_host);
    CHECK(error_code_of(r) == errc::transport_other);
    CHECK(srv.connections() == 2);  // the two slow ones only
}

TEST_CASE("asio: an answer that comes before the body is complete is returned, not a write error", "[asio][raw]") {
    // A server that refuses a PUT from its head alone: it answers 403 at once, then reads
    // and drops whatever else arrives until the client closes.
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    REQUIRE(::listen(fd, 1) == 0);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    std::atomic<std::uint64_t> received{0};
    std::thread server([&] {
        int c = ::accept4(fd, nullptr, nullptr, SOCK_CLOEXEC);
        if (c < 0) return;
        std::string head;
        char buf[65536];
        while (head.find("\r\n\r\n") == std::string::npos) {
            auto n = ::recv(c, buf, sizeof buf, 0);
            if (n <= 0) break;
            head.append(buf, static_cast<std::size_t>(n));
        }
        received = head.size();
        std::string_view answer = "HTTP/1.1 403 Forbidden\r\nContent-Length: 5\r\nConnection: close\r\n\r\nnope!";
        ::send(c, answer.data(), answer.size(), MSG_NOSIGNAL);
        for (;;) {
            auto n = ::recv(c, buf, sizeof buf, 0);
            if (n <= 0) break;
            received += static_cast<std::uint64_t>(n);
        }
        ::close(c);
    });
    std::string data = pattern(64u << 20, 5);
    http_request req;
    req.method = "PUT";
    req.scheme = "http";
    req.host = "127.0.0.1:" + std::to_string(ntohs(a.sin_port));
    req.path = "/bucket/refused";
    req.source = body_range{0, data.size()};
    memory_source src(data);
    body_reader body(src, *req.source);
    blocking_client c;
    auto r = c.perform(req, body);
    server.join();
    ::close(fd);
    INFO(describe(r));
    CHECK(response_of(r).status == 403);
    CHECK(response_of(r).body == "nope!");
    CHECK_FALSE(body.complete());
    CHECK(received.load() < data.size() / 2);
}

// ---- the README's example and ossmp-asio-many ------------------------------------------------

TEST_CASE("asio: the README's coroutine example uploads files on one thread, shown verbatim", "[asio][readme]") {
    test_emulator e;
    std::vector<std::unique_ptr<temp_file>> files;
    std::vector<std::string> paths, contents;
    for (int i = 0; i < 3; ++i) {
        contents.push_back(pattern((300u << 10) * static_cast<std::size_t>(i + 1), 60 + static_cast<std::uint32_t>(i)));
        files.push_back(std::make_unique<temp_file>(contents.back(), "readme-" + std::to_string(i) + ".bin"));
        paths.push_back(files.back()->path.string());
    }
    upload_spec spec;
    spec.key = "readme/";
    auto cfg = make_config(e, spec);
    cfg.part_size = 100u << 10;
    CHECK(example::upload_files(cfg, paths) == 0);
    for (int i = 0; i < 3; ++i)
        require_object<asio_kind>(e, addressing_style::path, signature_version::v4,
                                  "readme/" + files[static_cast<std::size_t>(i)]->path.filename().string(),
                                  contents[static_cast<std::size_t>(i)]);
    // A missing file is counted, the others still go.
    paths[1] += ".missing";
    CHECK(example::upload_files(cfg, paths) == 1);

    // README.md shows the block between the markers, line for line.
    auto lines = [](const std::string& text) {
        std::vector<std::string> out;
        std::istringstream ss(text);
        for (std::string l; std::getline(ss, l);) out.push_back(l);
        return out;
    };
    auto example = lines(slurp(std::string(OSSMP_SOURCE_DIR) + "/examples/asio_upload.hpp"));
    auto readme = lines(slurp(std::string(OSSMP_SOURCE_DIR) + "/README.md"));
    std::vector<std::string> block;
    bool in = false;
    for (const auto& l : example) {
        if (l.find("// END README asio_upload") != std::string::npos) break;
        if (in) block.push_back(l);
        if (l.find("// BEGIN README asio_upload") != std::string::npos) in = true;
    }
    REQUIRE(block.size() > 10);
    CHECK(block.size() <= 25);
    bool found = false;
    for (std::size_t s = 0; s + block.size() <= readme.size() && !found; ++s)
        found = std::equal(block.begin(), block.end(), readme.begin() + static_cast<std::ptrdiff_t>(s));
    CHECK(found);
}

TEST_CASE("asio: ossmp-asio-many uploads N objects on one thread and prints its JSON line", "[asio][example]") {
    const char* exe = std::getenv("OSSMP_ASIO_MANY");
    if (!exe) {
        WARN("skipped: OSSMP_ASIO_MANY is not set (the examples are not built)");
        return;
    }
    test_emulator e;
    std::map<std::string, std::string> env = {{"OSS_ACCESS_KEY_ID", e.creds.access_key_id},
                                              {"OSS_ACCESS_KEY_SECRET", e.creds.access_key_secret},
                                              {"OSS_SESSION_TOKEN", ""},
                                              {"OSS_REGION", "cn-hangzhou"}};
    std::vector<std::string> args = {exe, "--endpoint", "http://127.0.0.1:" + std::to_string(e.port()), "--bucket",
                                     "bucket", "--count", "12", "--size", "1MiB", "--parallel", "2", "--prefix",
                                     "many-example/"};
    auto line = [](const std::string& out) {
        INFO(out);
        REQUIRE_FALSE(out.empty());
        return ossmp_test::json::parse(out.substr(0, out.find('\n')));
    };
    auto r = ossmp_test::run_process(args, env);
    INFO(r.out << r.err);
    CHECK(r.status == 0);
    auto j = line(r.out);
    CHECK(j["uploads"].u64() == 12);
    CHECK(j["ok"].u64() == 12);
    CHECK(j["threads"].u64() == 1);
    CHECK(j["seconds"].f64() > 0);
    CHECK(j["mb_per_s"].f64() > 0);
    auto st = e.srv->stats();
    CHECK(st.operations["CompleteMultipartUpload"].succeeded == 12);
    // Wrong credentials: every upload fails, and so does the program.
    env["OSS_ACCESS_KEY_SECRET"] = "wrong";
    r = ossmp_test::run_process(args, env);
    INFO(r.out << r.err);
    CHECK(r.status != 0);
    CHECK(line(r.out)["ok"].u64() == 0);
}
