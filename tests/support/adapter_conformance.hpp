// The checks every transport adapter must pass against the emulator, written once and run by
// each adapter's test (adapter_curl_test.cpp, adapter_httplib_test.cpp) with a Kind:
//
//   struct Kind {
//       static constexpr const char* name;
//       using client_type = ...;                          // a BlockingTransport
//       static client_type make_client();                 // bucket.localhost -> 127.0.0.1
//       template <class S>                                // drives `m` with ossmp::run
//       static result<upload_outcome> run_machine(upload_machine& m, S& source);
//   };
#pragma once

#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <vector>

#include "adapter_harness.hpp"

namespace adapter_test {

// Uploads `source` per `spec` with Kind's transport.
template <class Kind, BodySource S>
result<upload_outcome> upload_with(const test_emulator& e, const upload_spec& spec, S& source) {
    auto m = upload_machine::create(make_config(e, spec));
    if (!m) return m.error();
    return Kind::run_machine(*m, source);
}

// The object at `key` equals `source`, by bytes and by the CRC-64 the emulator returns.
template <class Kind>
void require_object(const test_emulator& e, addressing_style style, signature_version v, const std::string& key,
                    std::string_view source) {
    auto c = Kind::make_client();
    auto got = get_object(c, e, style, v, key);
    INFO("GetObject " << key << ": status " << got.status << " " << got.body.substr(0, 300));
    REQUIRE(got.status == 200);
    REQUIRE(got.body.size() == source.size());
    REQUIRE(got.body == source);
    CHECK(got.headers.get_or("x-oss-hash-crc64ecma") == crc_text(source));
}

// Either no object at `key`, or one equal to `source`: never a corrupted object.
template <class Kind>
void require_absent_or_equal(const test_emulator& e, const std::string& key, std::string_view source) {
    auto c = Kind::make_client();
    auto got = get_object(c, e, addressing_style::path, signature_version::v4, key);
    INFO("GetObject " << key << ": status " << got.status);
    REQUIRE((got.status == 404 || got.status == 200));
    if (got.status == 200) REQUIRE(got.body == source);
}

// V1/V4 x path/virtual-hosted x {0 B, 1 B, 100 KiB - 1, one whole part, 64 parts of 1 MiB}.
template <class Kind>
void roundtrip_matrix() {
    test_emulator e;
    const std::string big = pattern(64u << 20, 11);
    struct size_case {
        const char* name;
        std::uint64_t size;
        std::uint64_t part_size;
        bool from_file;
    };
    const size_case sizes[] = {
        {"empty", 0, 0, false},
        {"one byte", 1, 0, false},
        {"100 KiB - 1", 100 * 1024 - 1, 0, true},
        {"exactly one part", 1u << 20, 1u << 20, true},
        {"64 parts of 1 MiB", 64u << 20, 1u << 20, false},
    };
    for (auto v : {signature_version::v1, signature_version::v4}) {
        for (auto style : {addressing_style::path, addressing_style::virtual_hosted}) {
            for (const auto& sc : sizes) {
                // The big case from a file once (V4, virtual-hosted), from memory otherwise.
                bool file = sc.from_file || (sc.size == big.size() && v == signature_version::v4 &&
                                             style == addressing_style::virtual_hosted);
                std::string key = std::string("matrix/") + version_name(v) + "/" + style_name(style) + "/" + sc.name;
                INFO(Kind::name << ": " << key << (file ? " (file_source)" : " (memory_source)"));
                std::string_view data(big.data(), static_cast<std::size_t>(sc.size));
                upload_spec spec;
                spec.style = style;
                spec.version = v;
                spec.key = key;
                spec.size = sc.size;
                spec.part_size = sc.part_size;
                auto r = [&]() -> result<upload_outcome> {
                    if (file) {
                        temp_file tf(data, "matrix.bin");
                        auto src = file_source::open(tf.path.string()).value();
                        return upload_with<Kind>(e, spec, src);
                    }
                    memory_source src(data);
                    return upload_with<Kind>(e, spec, src);
                }();
                INFO((r ? std::string("uploaded") : r.error().what()));
                REQUIRE(r);
                CHECK(r->size == sc.size);
                CHECK(r->crc64 == crc64_of(data));
                require_object<Kind>(e, style, v, key, data);
            }
        }
    }
    auto st = e.srv->stats();
    CHECK(st.signature_failures == 0);
    CHECK(st.auth_failures == 0);
}

// Keys with dot segments reach OSS verbatim: "a/../b" is its own object, not "b".
template <class Kind>
void dot_segments_verbatim() {
    test_emulator e;
    std::string data = pattern(300 * 1024, 3);
    for (auto style : {addressing_style::path, addressing_style::virtual_hosted}) {
        for (const char* key : {"dots/a/../b", "dots/./c", "dots/x/.."}) {
            INFO(Kind::name << " " << style_name(style) << " key " << key);
            upload_spec spec;
            spec.style = style;
            spec.key = key;
            spec.size = data.size();
            spec.part_size = 100 * 1024;
            memory_source src(data);
            auto r = upload_with<Kind>(e, spec, src);
            INFO((r ? std::string("uploaded") : r.error().what()));
            REQUIRE(r);
            require_object<Kind>(e, style, signature_version::v1, key, data);
        }
        auto c = Kind::make_client();
        CHECK(get_object(c, e, style, signature_version::v4, "dots/b").status == 404);
        CHECK(get_object(c, e, style, signature_version::v4, "dots/c").status == 404);
    }
    CHECK(e.srv->stats().signature_failures == 0);
}

// The emulator's faults (500/503 answers, resets mid-body, delays, 200 with <Error>) on a
// share of UploadPart requests: the upload completes through retries, byte-exact.
template <class Kind>
void faults_recovered() {
    ossmp::emulator::fault_config f;
    f.seed = 7;
    f.error_rate = 0.15;
    f.error_status = 503;
    f.reset_rate = 0.15;
    f.reset_after_bytes = 32 * 1024;
    f.error200_rate = 0.1;
    f.delay_ms = 2;
    test_emulator e(f);
    std::string data = pattern(24u << 20, 5);
    for (int status : {500, 503}) {
        f.error_status = status;
        e.srv->set_faults(f);
        for (auto v : {signature_version::v1, signature_version::v4}) {
            std::string key = "faults/" + std::to_string(status) + "/" + version_name(v);
            INFO(Kind::name << " " << key);
            upload_spec spec;
            spec.version = v;
            spec.key = key;
            spec.size = data.size();
            spec.part_size = 1u << 20;
            spec.max_attempts = 12;
            memory_source src(data);
            auto r = upload_with<Kind>(e, spec, src);
            INFO((r ? std::string("uploaded") : r.error().what()));
            REQUIRE(r);
            e.srv->set_faults(no_faults());
            require_object<Kind>(e, addressing_style::path, v, key, data);
            e.srv->set_faults(f);
        }
    }
    auto st = e.srv->stats();
    CHECK(st.faults_injected > 0);
    CHECK(st.signature_failures == 0);
}

// When every attempt meets a fault, the upload fails with retries_exhausted naming the last
// failure, and leaves no object behind (or, never, a corrupted one).
template <class Kind>
void faults_exhausted() {
    std::string data = pattern(3u << 20, 9);
    struct fault_case {
        const char* name;
        ossmp::emulator::fault_config f;
        const char* expect;  // in the error message
    };
    ossmp::emulator::fault_config errors, resets, bad200;
    errors.error_rate = 1;
    errors.error_status = 503;
    resets.reset_rate = 1;
    resets.reset_after_bytes = 64 * 1024;
    bad200.error200_rate = 1;
    const fault_case cases[] = {
        {"503 always", errors, "SlowDown"},
        {"reset always", resets, to_string(errc::transport_reset).data()},
        {"200 with Error always", bad200, "InternalError"},
    };
    for (const auto& fc : cases) {
        test_emulator e(fc.f);
        INFO(Kind::name << ": " << fc.name);
        upload_spec spec;
        spec.key = "exhausted";
        spec.size = data.size();
        spec.part_size = 1u << 20;
        spec.max_attempts = 3;
        memory_source src(data);
        auto r = upload_with<Kind>(e, spec, src);
        REQUIRE_FALSE(r);
        INFO(r.error().what());
        CHECK(r.error().code == errc::retries_exhausted);
        CHECK(r.error().what().find(fc.expect) != std::string::npos);
        e.srv->set_faults(no_faults());
        require_absent_or_equal<Kind>(e, "exhausted", data);
        CHECK(e.srv->stats().signature_failures == 0);
    }
}

// Nothing listening: a quick, clear transport_connect failure.
template <class Kind>
void connection_refused() {
    std::uint16_t port = closed_port();
    upload_config c;
    c.ep = parse_endpoint("http://127.0.0.1:" + std::to_string(port)).value();
    c.bucket = "bucket";
    c.key = "refused";
    c.signing.version = signature_version::v4;
    c.signing.creds = {"ak", "sk", ""};
    c.signing.v4.region = "cn-hangzhou";
    c.source.size = 1000;
    c.retry.max_attempts = 3;
    c.retry.base_delay = duration(20);
    std::string data(1000, 'x');
    memory_source src(data);
    auto m = upload_machine::create(c).value();
    auto t0 = std::chrono::steady_clock::now();
    auto r = Kind::run_machine(m, src);
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    REQUIRE_FALSE(r);
    INFO(Kind::name << ": " << r.error().what() << " after " << seconds << " s");
    CHECK(r.error().code == errc::retries_exhausted);
    CHECK(r.error().op == operation::initiate_multipart_upload);
    CHECK(r.error().what().find(to_string(errc::transport_connect)) != std::string::npos);
    CHECK(seconds < 2.0);
    // The machine's own classification: a direct perform reports transport_connect.
    auto client = Kind::make_client();
    http_request req = make_get_object_request(c.ep, "bucket", "k").value();
    body_reader none;
    auto out = client.perform(req, none);
    REQUIRE(std::holds_alternative<transport_error>(out));
    CHECK(std::get<transport_error>(out).code == errc::transport_connect);
}

// A source that fails mid-part fails the upload with the source's error, at once: the
// transport reports the body_reader's error code, which the machine does not retry.
template <class Kind>
void source_failure_is_fatal() {
    std::string data = pattern(4u << 20, 13);
    for (auto code : {errc::io_error, errc::ok}) {
        // A fresh emulator each round: the aborted first round's part 3 may still be counted
        // by the server after the client gave up on it, which would blur the second count.
        test_emulator e;
        errc expect = code == errc::ok ? errc::source_short_read : code;
        INFO(Kind::name << ": source failing with " << to_string(expect));
        failing_source src{data, (2u << 20) + 12345, code};
        upload_spec spec;
        spec.key = "failing";
        spec.size = data.size();
        spec.part_size = 1u << 20;
        spec.in_flight = 1;
        spec.max_attempts = 5;
        auto r = upload_with<Kind>(e, spec, src);
        REQUIRE_FALSE(r);
        INFO(r.error().what());
        CHECK(r.error().code == expect);
        // Part 3 holds the failing offset; it was attempted exactly once.
        auto st = e.srv->stats();
        std::uint64_t part3_attempts = 0;
        for (const auto& [id, parts] : st.parts)
            if (auto it = parts.find(3); it != parts.end()) part3_attempts += it->second.attempts;
        CHECK(part3_attempts <= 1);
        require_absent_or_equal<Kind>(e, "failing", data);
    }
}

}  // namespace adapter_test
