// Fault injection does what it promises, deterministically for a seed, and never changes
// stored data; counters and faults can be read and set over HTTP.
#include <catch2/catch.hpp>

#include <emulator_test_support.hpp>
#include <json.hpp>

using namespace ossmp;
using emu_test::fixture;
using sv = signature_version;
using ossmp_test::json;

namespace {

std::string code_of(const http_response& resp) {
    auto e = parse_service_error(resp, operation::none);
    return e ? e->oss_code : std::string();
}

std::string new_upload(const fixture& f, const std::string& key) {
    auto r = parse_initiate_result(f.run(make_initiate_request(f.ep, "bucket", key).value(), sv::v4));
    REQUIRE(r.has_value());
    return r->upload_id;
}

http_response put_part(const fixture& f, const std::string& key, const std::string& id, std::uint32_t n,
                       std::string_view data) {
    return f.run(make_upload_part_request(f.ep, "bucket", key, id, n, {0, data.size()}).value(), sv::v4, data);
}

http_response control(const fixture& f, std::string method, std::string target) {
    return f.control(method, target);
}

std::size_t stored_parts(const fixture& f, const std::string& key, const std::string& id) {
    auto lp = parse_list_parts_result(f.run(make_list_parts_request(f.ep, "bucket", key, id).value(), sv::v4));
    REQUIRE(lp.has_value());
    return lp->parts.size();
}

}  // namespace

TEST_CASE("error faults answer 500 InternalError or 503 SlowDown and store nothing", "[emulator][faults]") {
    fixture f;
    auto id = new_upload(f, "err");
    emulator::fault_config fc;
    fc.error_rate = 1;
    f.srv->set_faults(fc);
    auto r = put_part(f, "err", id, 1, "data");
    CHECK(r.status == 500);
    CHECK(code_of(r) == "InternalError");
    fc.error_status = 503;
    f.srv->set_faults(fc);
    r = put_part(f, "err", id, 1, "data");
    CHECK(r.status == 503);
    CHECK(code_of(r) == "SlowDown");
    CHECK(r.headers.contains("x-oss-request-id"));
    // Only UploadPart is hit by default.
    CHECK(f.run(make_list_parts_request(f.ep, "bucket", "err", id).value(), sv::v4).status == 200);
    CHECK(stored_parts(f, "err", id) == 0);
    auto st = f.srv->stats();
    CHECK(st.faults_injected == 2);
    CHECK(st.parts[id][1].attempts == 2);
    CHECK(st.parts[id][1].stored == 0);
    f.srv->set_faults({});
    CHECK(put_part(f, "err", id, 1, "data").status == 200);
    CHECK(f.srv->stats().parts[id][1].stored == 1);
}

TEST_CASE("which requests fail is a function of the seed, not of timing", "[emulator][faults]") {
    fixture f;
    emulator::fault_config fc;
    fc.seed = 42;
    fc.error_rate = 0.5;
    auto pattern = [&](const std::string& key) {
        f.srv->set_faults(fc);  // restarts the fault sequence
        auto id = new_upload(f, key);
        std::string failed;
        for (std::uint32_t n = 1; n <= 24; ++n) failed += put_part(f, key, id, n, "x").status == 200 ? '.' : 'X';
        // Second attempts of the failed parts follow the same rule.
        for (std::uint32_t n = 1; n <= 24; ++n)
            if (failed[n - 1] == 'X') failed += put_part(f, key, id, n, "x").status == 200 ? '.' : 'X';
        return failed;
    };
    auto a = pattern("same-key");
    auto b = pattern("same-key");
    CHECK(a == b);
    CHECK(a.find('X') != std::string::npos);
    CHECK(a.find('.') != std::string::npos);
    fc.seed = 43;
    CHECK(pattern("same-key") != a);
    // And over HTTP, with the same settings.
    fc.seed = 42;
    auto put = control(f, "PUT", "/_emulator/faults?seed=42&error_rate=0.5&ops=UploadPart");
    REQUIRE(put.status == 200);
    auto id = new_upload(f, "same-key");
    std::string over_http;
    for (std::uint32_t n = 1; n <= 24; ++n) over_http += put_part(f, "same-key", id, n, "x").status == 200 ? '.' : 'X';
    CHECK(over_http == a.substr(0, 24));
}

TEST_CASE("reset faults cut the connection mid-body; nothing is stored", "[emulator][faults]") {
    fixture f;
    auto id = new_upload(f, "reset");
    emulator::fault_config fc;
    fc.reset_rate = 1;
    fc.reset_after_bytes = 100000;
    f.srv->set_faults(fc);
    auto data = emu_test::pattern_bytes(4u << 20, 1);
    auto req = make_upload_part_request(f.ep, "bucket", "reset", id, 1, {0, data.size()}).value();
    sign_request(req, f.v4, emu_test::now()).value();
    emu_test::connection c(f.port());
    bool wrote = c.write_all(emu_test::request_head(req, data.size())) && c.write_all(data);
    auto resp = c.read_response();
    CHECK(resp.status == 0);  // no response: the connection was reset
    (void)wrote;              // the write may or may not fail first, depending on buffering
    auto st = f.srv->stats();
    CHECK(st.faults_injected == 1);
    CHECK(st.bytes_received >= 100000);
    CHECK(st.bytes_received < data.size());
    f.srv->set_faults({});
    CHECK(stored_parts(f, "reset", id) == 0);
    CHECK(put_part(f, "reset", id, 1, data).status == 200);
}

TEST_CASE("200 <Error> faults look like success on the status line only; nothing happens", "[emulator][faults]") {
    fixture f;
    auto id = new_upload(f, "e200");
    auto p = parse_upload_part_result(put_part(f, "e200", id, 1, "body"), 1);
    REQUIRE(p.has_value());
    auto put = control(f, "PUT", "/_emulator/faults?error200_rate=1&ops=CompleteMultipartUpload");
    REQUIRE(put.status == 200);
    auto req = make_complete_request(f.ep, "bucket", "e200", id, std::vector<completed_part>{{1, p->etag}}).value();
    auto r = f.run(req, sv::v4);
    CHECK(r.status == 200);
    auto cr = parse_complete_result(r);
    REQUIRE_FALSE(cr.has_value());
    CHECK(cr.error().oss_code == "InternalError");
    // The upload was not completed: after the fault is gone, the retry completes it.
    REQUIRE(control(f, "DELETE", "/_emulator/faults").status == 200);
    CHECK(f.run(make_get_object_request(f.ep, "bucket", "e200").value(), sv::v4).status == 404);
    CHECK(parse_complete_result(f.run(req, sv::v4)).has_value());
}

TEST_CASE("delay faults delay every response", "[emulator][faults]") {
    fixture f;
    REQUIRE(control(f, "PUT", "/_emulator/faults?delay_ms=300").status == 200);
    auto t0 = std::chrono::steady_clock::now();
    CHECK(f.run(make_list_uploads_request(f.ep, "bucket").value(), sv::v4).status == 200);
    auto delayed = std::chrono::steady_clock::now() - t0;
    CHECK(delayed >= std::chrono::milliseconds(300));
    f.srv->set_faults({});
    t0 = std::chrono::steady_clock::now();
    CHECK(f.run(make_list_uploads_request(f.ep, "bucket").value(), sv::v4).status == 200);
    CHECK(std::chrono::steady_clock::now() - t0 < delayed);
    CHECK(f.srv->stats().faults_injected == 0);  // delays are not counted as faults
}

TEST_CASE("faults from the configuration and for every operation", "[emulator][faults]") {
    auto cfg = emu_test::default_config();
    cfg.faults.error_rate = 1;
    cfg.faults.error_status = 503;
    cfg.faults.operations = {};  // all
    fixture f(cfg);
    CHECK(code_of(f.run(make_initiate_request(f.ep, "bucket", "k").value(), sv::v4)) == "SlowDown");
    CHECK(code_of(f.run(make_list_uploads_request(f.ep, "bucket").value(), sv::v1)) == "SlowDown");
    // Authentication comes first: a bad signature is still SignatureDoesNotMatch.
    auto bad = f.v4;
    bad.creds.access_key_secret = "x";
    auto r = make_initiate_request(f.ep, "bucket", "k").value();
    sign_request(r, bad, emu_test::now()).value();
    CHECK(code_of(emu_test::send(f.port(), r)) == "SignatureDoesNotMatch");
    auto get = control(f, "GET", "/_emulator/faults");
    auto j = json::parse(get.body);
    CHECK(j["error_status"].u64() == 503);
    CHECK(j["ops"].size() == 0);
    CHECK(control(f, "PUT", "/_emulator/faults?ops=*&error_rate=0.25&error_status=503").status == 200);
    CHECK(f.srv->faults().operations.empty());
    CHECK(f.srv->faults().error_rate == 0.25);
}

TEST_CASE("counters over HTTP: per operation, per part, bytes, signature failures; reset", "[emulator][faults]") {
    fixture f;
    auto id = new_upload(f, "count");
    REQUIRE(put_part(f, "count", id, 1, "12345").status == 200);
    REQUIRE(put_part(f, "count", id, 1, "123").status == 200);
    REQUIRE(put_part(f, "count", id, 3, "1").status == 200);
    auto bad = f.v1;
    bad.creds.access_key_secret = "nope";
    auto r = make_list_parts_request(f.ep, "bucket", "count", id).value();
    sign_request(r, bad, emu_test::now()).value();
    REQUIRE(emu_test::send(f.port(), r).status == 403);

    auto resp = control(f, "GET", "/_emulator/counters");
    REQUIRE(resp.status == 200);
    CHECK(resp.headers.get_or("Content-Type") == "application/json");
    auto j = json::parse(resp.body);
    CHECK(j["requests"].u64() == 5);
    CHECK(j["signature_failures"].u64() == 1);
    CHECK(j["bytes_received"].u64() == 9);
    CHECK(j["operations"]["UploadPart"]["requests"].u64() == 3);
    CHECK(j["operations"]["UploadPart"]["succeeded"].u64() == 3);
    CHECK(j["operations"]["ListParts"]["failed"].u64() == 1);
    CHECK(j["operations"]["InitiateMultipartUpload"]["succeeded"].u64() == 1);
    CHECK(j["uploads"][id]["1"]["attempts"].u64() == 2);
    CHECK(j["uploads"][id]["1"]["stored"].u64() == 2);
    CHECK(j["uploads"][id]["3"]["stored"].u64() == 1);
    CHECK(resp.body.find("test-secret") == std::string::npos);
    // The same numbers in process.
    auto st = f.srv->stats();
    CHECK(st.to_json() == resp.body);

    REQUIRE(control(f, "POST", "/_emulator/counters/reset").status == 200);
    auto z = json::parse(control(f, "GET", "/_emulator/counters").body);
    CHECK(z["requests"].u64() == 0);
    CHECK(z["uploads"].size() == 0);
    CHECK(control(f, "GET", "/_emulator/nothing").status == 404);
}

TEST_CASE("stop() returns promptly even with an idle keep-alive connection", "[emulator][lifecycle]") {
    fixture f;
    emu_test::connection idle(f.port());
    auto req = make_list_uploads_request(f.ep, "bucket").value();
    sign_request(req, f.v4, emu_test::now()).value();
    REQUIRE(idle.write_all(emu_test::request_head(req, 0)));
    REQUIRE(idle.read_response().status == 200);  // the connection stays open, idle
    auto t0 = std::chrono::steady_clock::now();
    f.srv->stop();
    CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(2));
    f.srv->stop();  // idempotent
}
