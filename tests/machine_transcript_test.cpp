// Transcripts: a fixed sequence of inputs, and the exact actions the machine answers with.
// Every action kind appears (send_request, read_source, digest_part, release_body,
// save_checkpoint, wait_until, await_io, finished, failed), as do the retry, re-sign,
// cancel and resume paths.
#include <catch2/catch.hpp>

#include "machine_harness.hpp"

#include <random>

using namespace ossmp;
using namespace ossmp_test;

namespace {

constexpr std::uint64_t kib = 1024;

std::string bytes(std::size_t n, std::uint64_t seed = 3) {
    std::mt19937_64 rng(seed);
    std::string s(n, '\0');
    for (auto& c : s) c = static_cast<char>(rng());
    return s;
}

upload_config config(std::optional<std::uint64_t> size) {
    upload_config c;
    c.ep = parse_endpoint("http://127.0.0.1:9000").value();
    c.bucket = "bucket";
    c.key = "k";
    c.signing = {signature_version::v4, {"ak", "sk", ""}, {"cn-hangzhou", "oss", {}}, {}};
    c.source.size = size;
    c.part_size = 100 * kib;
    c.max_in_flight = 2;
    return c;
}

}  // namespace

TEST_CASE("transcript: a two-part upload, step by step", "[machine][transcript]") {
    harness h(config(150 * kib), bytes(150 * kib));
    auto init = h.expect<send_request>();
    CHECK(init.request.op == operation::initiate_multipart_upload);
    CHECK(init.request.target() == "/bucket/k?encoding-type=url&uploads");
    CHECK(init.request.headers.get("x-oss-date") == format_iso8601_basic(h.clock.now()));
    h.see<await_io>();  // one Initiate at a time
    h.answer(init);
    CHECK(h.m.upload_id() == "FAKE1UPLOAD");

    auto p1 = h.expect<send_request>();
    auto p2 = h.expect<send_request>();
    CHECK(p1.request.part_number == 1);
    CHECK(p1.request.source == body_range{0, 100 * kib});
    CHECK(p2.request.source == body_range{100 * kib, 50 * kib});
    h.see<await_io>();  // max_in_flight = 2
    CHECK(h.m.stats().parts_in_flight == 2);

    h.answer(p2);
    CHECK(h.expect<release_body>().range == body_range{100 * kib, 50 * kib});
    h.see<await_io>();
    h.answer(p1);
    CHECK(h.expect<release_body>().range == body_range{0, 100 * kib});

    auto complete = h.expect<send_request>();
    CHECK(complete.request.op == operation::complete_multipart_upload);
    CHECK(complete.request.body.find("<PartNumber>1</PartNumber>") < complete.request.body.find("<PartNumber>2</PartNumber>"));
    h.answer(complete);
    auto done = h.expect<finished>();
    CHECK(done.outcome.crc64 == crc64_of(h.data));
    CHECK(done.outcome.part_count == 2);
    CHECK(done.outcome.upload_id == "FAKE1UPLOAD");
    // Terminal and repeatable.
    CHECK(h.expect<finished>().outcome.etag == done.outcome.etag);
    CHECK(h.m.stats().parts_done == 2);
    CHECK(h.m.stats().bytes_confirmed == 150 * kib);
}

TEST_CASE("transcript: 503 backs off with wait_until, then the part is re-signed", "[machine][transcript]") {
    auto cfg = config(50 * kib);
    cfg.retry.base_delay = duration(1000);
    harness h(cfg, bytes(50 * kib));
    h.answer(h.expect<send_request>());
    auto p1 = h.expect<send_request>();
    h.respond(p1, 503, "SlowDown");
    auto w = h.expect<wait_until>();
    CHECK(w.deadline > h.clock.now());
    CHECK(w.deadline <= h.clock.now() + duration(2000));
    CHECK(h.m.part(1) == part_state::backoff);
    h.clock.sleep_until(w.deadline);
    auto again = h.expect<send_request>();
    CHECK(again.id != p1.id);
    CHECK(again.request.headers.get("x-oss-date") == format_iso8601_basic(w.deadline));
    CHECK(h.m.stats().retries == 1);
    h.answer(again);
    h.see<release_body>();
    h.answer(h.expect<send_request>());
    h.see<finished>();
}

TEST_CASE("transcript: RequestTimeTooSkewed corrects the clock and re-signs at once", "[machine][transcript]") {
    harness h(config(10), bytes(10));
    h.oss.skew = std::chrono::hours(1);
    auto init = h.expect<send_request>();
    auto resp = h.oss.handle(init.request, "");
    REQUIRE(resp.status == 403);
    REQUIRE(h.m.on_response(init.id, resp, h.clock.now()));
    auto again = h.expect<send_request>();
    CHECK(again.request.headers.get("x-oss-date") == format_iso8601_basic(h.clock.now() + std::chrono::hours(1)));
    h.answer(again);
    h.answer(h.expect<send_request>());  // the part, signed with the corrected clock too
    h.see<release_body>();
    h.answer(h.expect<send_request>());
    h.see<finished>();
}

TEST_CASE("transcript: SignatureDoesNotMatch is re-signed once, then fatal", "[machine][transcript]") {
    harness h(config(10), bytes(10));
    auto init = h.expect<send_request>();
    h.respond(init, 403, "SignatureDoesNotMatch", "<StringToSign>x</StringToSign>");
    auto again = h.expect<send_request>();
    CHECK(again.request.op == operation::initiate_multipart_upload);
    h.respond(again, 403, "SignatureDoesNotMatch");
    auto f = h.expect<failed>();
    CHECK(f.err.oss_code == "SignatureDoesNotMatch");
    CHECK(f.err.op == operation::initiate_multipart_upload);
    CHECK(f.err.http_status == 403);
    CHECK(f.err.detail("StringToSign").empty());
    CHECK(h.m.state() == upload_state::failed);
}

TEST_CASE("transcript: Content-MD5 asks for a digest before each part", "[machine][transcript]") {
    auto cfg = config(120 * kib);
    cfg.content_md5 = true;
    harness h(cfg, bytes(120 * kib));
    h.answer(h.expect<send_request>());
    auto d1 = h.expect<digest_part>();
    CHECK(d1.part_number == 1);
    CHECK(d1.md5);
    CHECK(d1.range == body_range{0, 100 * kib});
    // Another next() without the report repeats the ask instead of moving on.
    CHECK(h.expect<digest_part>().part_number == 1);
    auto md5 = base64_encode(md5::hash(h.data.substr(0, 100 * kib)));
    REQUIRE(h.m.on_part_digest(1, crc64_of(h.data.substr(0, 100 * kib)), md5, h.clock.now()));
    auto p1 = h.expect<send_request>();
    CHECK(p1.request.headers.get("Content-MD5") == md5);
    CHECK(h.m.on_part_digest(1, 0, md5, h.clock.now()).error().code == errc::wrong_state);
}

TEST_CASE("transcript: a stream is read part by part and buffers are released", "[machine][transcript]") {
    auto cfg = config(std::nullopt);
    harness h(cfg, bytes(230 * kib));
    h.answer(h.expect<send_request>());
    auto r1 = h.expect<read_source>();
    CHECK(r1.part_number == 1);
    CHECK(r1.offset == 0);
    CHECK(r1.max_length == 100 * kib);
    REQUIRE(h.m.on_source_read(1, 100 * kib, h.clock.now()));
    auto p1 = h.expect<send_request>();
    auto r2 = h.expect<read_source>();
    CHECK(r2.offset == 100 * kib);
    REQUIRE(h.m.on_source_read(2, 100 * kib, h.clock.now()));
    auto p2 = h.expect<send_request>();
    h.see<await_io>();  // two parts buffered: no read-ahead beyond max_in_flight
    h.answer(p1);
    h.see<release_body>();
    auto r3 = h.expect<read_source>();
    CHECK(h.m.on_source_read(3, 100 * kib + 1, h.clock.now()).error().code == errc::invalid_argument);
    CHECK(h.m.on_source_read(4, 1, h.clock.now()).error().code == errc::wrong_state);
    REQUIRE(h.m.on_source_read(r3.part_number, 30 * kib, h.clock.now()));  // short: the end
    CHECK(h.m.stats().bytes_total == 230 * kib);
    CHECK(h.m.stats().parts_total == 3);
    auto p3 = h.expect<send_request>();
    h.answer(p2);
    h.answer(p3);
    h.see<release_body>();
    h.see<release_body>();
    h.answer(h.expect<send_request>());
    CHECK(h.expect<finished>().outcome.size == 230 * kib);
    CHECK(h.oss.objects.at("bucket/k").data == h.data);
}

TEST_CASE("transcript: an empty stream becomes one empty part", "[machine][transcript]") {
    harness h(config(std::nullopt), "");
    h.answer(h.expect<send_request>());
    auto r1 = h.expect<read_source>();
    REQUIRE(h.m.on_source_read(r1.part_number, 0, h.clock.now()));
    auto p = h.expect<send_request>();
    CHECK(p.request.source == body_range{0, 0});
    h.answer(p);
    h.see<release_body>();
    h.answer(h.expect<send_request>());
    CHECK(h.expect<finished>().outcome.crc64 == 0);
}

TEST_CASE("transcript: checkpoints are saved after Initiate and after each part", "[machine][transcript]") {
    auto cfg = config(150 * kib);
    cfg.checkpoints = true;
    cfg.signing.creds.security_token = "sts-token-secret";
    harness h(cfg, bytes(150 * kib));
    h.oss.check_signatures = false;
    h.answer(h.expect<send_request>());
    auto c0 = h.expect<save_checkpoint>();
    CHECK(parse_checkpoint(c0.text).value().upload_id == "FAKE1UPLOAD");
    CHECK(parse_checkpoint(c0.text).value().parts.empty());
    CHECK(c0.text.find("sts-token-secret") == std::string::npos);
    CHECK(c0.text.find("sk") == std::string::npos);
    auto p1 = h.expect<send_request>();
    h.see<send_request>();
    h.answer(p1);
    h.see<release_body>();
    auto c1 = h.expect<save_checkpoint>();
    auto cp = parse_checkpoint(c1.text).value();
    REQUIRE(cp.parts.size() == 1);
    CHECK(cp.parts[0].crc64 == crc64_of(h.data.substr(0, 100 * kib)));
}

TEST_CASE("transcript: cancel drains, then aborts (or keeps) the upload", "[machine][transcript]") {
    for (auto policy : {end_policy::abort, end_policy::keep}) {
        auto cfg = config(300 * kib);
        cfg.on_cancel = policy;
        harness h(cfg, bytes(300 * kib));
        h.answer(h.expect<send_request>());
        auto p1 = h.expect<send_request>();
        auto p2 = h.expect<send_request>();
        h.m.cancel();
        h.see<await_io>();  // no new part; the two in flight are awaited
        CHECK(h.m.state() == upload_state::draining);
        h.answer(p1);
        h.answer(p2);
        h.see<release_body>();  // parts confirmed while draining still count
        h.see<release_body>();
        if (policy == end_policy::abort) {
            auto ab = h.expect<send_request>();
            CHECK(ab.request.op == operation::abort_multipart_upload);
            h.answer(ab);
            auto f = h.expect<failed>();
            CHECK(f.err.code == errc::cancelled);
            CHECK(f.err.message.find("aborted") != std::string::npos);
            CHECK(f.err.kept_upload_id.empty());
            CHECK(h.oss.open_uploads() == 0);
        } else {
            auto f = h.expect<failed>();
            CHECK(f.err.code == errc::cancelled);
            CHECK(f.err.message.find("kept for resume") != std::string::npos);
            CHECK(f.err.kept_upload_id == h.m.upload_id());
            CHECK_FALSE(f.err.kept_upload_id.empty());
            CHECK(h.oss.open_uploads() == 1);
            // The confirmed parts are in the checkpoint for the resume.
            CHECK(h.m.current_checkpoint().parts.size() == 2);
        }
    }
}

TEST_CASE("transcript: a fatal error aborts the upload; NoSuchUpload does not", "[machine][transcript]") {
    {
        harness h(config(10), bytes(10));
        h.answer(h.expect<send_request>());
        auto p1 = h.expect<send_request>();
        h.respond(p1, 403, "AccessDenied");
        auto ab = h.expect<send_request>();
        CHECK(ab.request.op == operation::abort_multipart_upload);
        h.answer(ab);
        auto f = h.expect<failed>();
        CHECK(f.err.oss_code == "AccessDenied");
        CHECK(f.err.part_number == 1);
        CHECK(f.err.message.find("was aborted") != std::string::npos);
    }
    {
        harness h(config(10), bytes(10));
        h.answer(h.expect<send_request>());
        auto p1 = h.expect<send_request>();
        h.respond(p1, 404, "NoSuchUpload");
        auto f = h.expect<failed>();
        CHECK(f.err.code == errc::no_such_upload);
    }
}

TEST_CASE("transcript: misuse is refused and changes nothing", "[machine][transcript]") {
    harness h(config(10), bytes(10));
    auto init = h.expect<send_request>();
    http_response ok_resp;
    CHECK(h.m.on_response(init.id + 1, ok_resp, h.clock.now()).error().code == errc::unknown_request);
    CHECK(h.m.on_response(0, ok_resp, h.clock.now()).error().code == errc::unknown_request);
    CHECK(h.m.on_transport_error(77, {errc::transport_reset, "x"}, h.clock.now()).error().code == errc::unknown_request);
    CHECK(h.m.on_source_read(1, 10, h.clock.now()).error().code == errc::wrong_state);
    CHECK(h.m.on_part_digest(1, 0, "", h.clock.now()).error().code == errc::wrong_state);
    CHECK(h.m.state() == upload_state::initiating);
    h.answer(init);
    CHECK(h.m.on_response(init.id, ok_resp, h.clock.now()).error().code == errc::duplicate_response);
    auto p1 = h.expect<send_request>();
    auto resp = h.oss.handle(p1.request, h.data);
    auto e = h.m.on_response(p1.id, resp, h.clock.now());  // no CRC of the bytes sent
    CHECK(e.error().code == errc::invalid_argument);
    CHECK(h.m.part(1) == part_state::in_flight);
    REQUIRE(h.m.on_response(p1.id, resp, h.clock.now(), crc64_of(h.data)));
    CHECK(h.m.part(1) == part_state::done);
}

TEST_CASE("transcript: a CRC mismatch re-sends the part", "[machine][transcript]") {
    harness h(config(10), bytes(10));
    h.answer(h.expect<send_request>());
    auto p1 = h.expect<send_request>();
    auto resp = h.oss.handle(p1.request, h.data, /*corrupt*/ true);
    REQUIRE(h.m.on_response(p1.id, resp, h.clock.now(), crc64_of(h.data)));
    CHECK(h.m.part(1) == part_state::backoff);
    auto w = h.expect<wait_until>();
    h.clock.sleep_until(w.deadline);
    h.answer(h.expect<send_request>());
    h.see<release_body>();
    h.answer(h.expect<send_request>());
    CHECK(h.expect<finished>().outcome.crc64 == crc64_of(h.data));
}

TEST_CASE("transcript: a lost Complete answer is settled with HeadObject", "[machine][transcript]") {
    harness h(config(10), bytes(10));
    h.answer(h.expect<send_request>());
    h.answer(h.expect<send_request>());
    h.see<release_body>();
    auto c1 = h.expect<send_request>();
    (void)h.oss.handle(c1.request, c1.request.body);  // OSS completes; the answer is lost
    REQUIRE(h.m.on_transport_error(c1.id, {errc::transport_timeout, "timed out"}, h.clock.now()));
    h.clock.sleep_until(h.expect<wait_until>().deadline);
    auto c2 = h.expect<send_request>();
    h.answer(c2);  // NoSuchUpload now
    CHECK(h.m.state() == upload_state::checking);
    auto head = h.expect<send_request>();
    CHECK(head.request.op == operation::head_object);
    h.answer(head);
    CHECK(h.expect<finished>().outcome.crc64 == crc64_of(h.data));
}

TEST_CASE("transcript: a wrong final CRC deletes the object", "[machine][transcript]") {
    harness h(config(10), bytes(10));
    h.answer(h.expect<send_request>());
    h.answer(h.expect<send_request>());
    h.see<release_body>();
    auto c = h.expect<send_request>();
    auto resp = h.oss.handle(c.request, c.request.body);
    resp.headers.set("x-oss-hash-crc64ecma", "12345");
    REQUIRE(h.m.on_response(c.id, resp, h.clock.now()));
    CHECK(h.m.state() == upload_state::deleting);
    auto del = h.expect<send_request>();
    CHECK(del.request.op == operation::delete_object);
    h.answer(del);
    auto f = h.expect<failed>();
    CHECK(f.err.code == errc::crc_mismatch);
    CHECK(f.err.message.find("was deleted") != std::string::npos);
    CHECK(h.oss.objects.empty());
}

TEST_CASE("transcript: resume lists parts and verifies an unconfirmed one by digest", "[machine][transcript]") {
    auto data = bytes(250 * kib);
    auto cfg = config(data.size());
    cfg.source.mtime_ns = 5;
    cfg.verify_resumed_parts = false;  // the opt-out: parts checkpoint and OSS agree on are trusted
    virtual_clock clock;
    fake_oss oss(clock);
    // First run: parts 1 and 2 reach OSS, only part 1 is in the checkpoint.
    std::string upload_id;
    checkpoint cp;
    {
        harness h(cfg, data);
        h.answer(h.expect<send_request>());
        auto p1 = h.expect<send_request>();
        auto p2 = h.expect<send_request>();
        h.answer(p1);
        (void)h.oss.handle(p2.request, h.body_of(p2));  // lost answer
        cp = h.m.current_checkpoint();
        REQUIRE(cp.parts.size() == 1);
        oss.uploads = h.oss.uploads;
    }
    harness h(upload_machine::resume(cfg, cp).value(), data);
    h.oss.uploads = oss.uploads;
    CHECK(h.m.state() == upload_state::listing);
    auto list = h.expect<send_request>();
    CHECK(list.request.op == operation::list_parts);
    h.answer(list);
    CHECK(h.expect<release_body>().range == body_range{0, 100 * kib});  // part 1: confirmed before
    auto d = h.expect<digest_part>();
    CHECK(d.part_number == 2);
    CHECK_FALSE(d.md5);
    REQUIRE(h.m.on_part_digest(2, crc64_of(data.substr(100 * kib, 100 * kib)), "", h.clock.now()));
    CHECK(h.expect<release_body>().range == body_range{100 * kib, 100 * kib});  // part 2: verified
    auto p3 = h.expect<send_request>();
    CHECK(p3.request.part_number == 3);  // only the missing part is sent
    h.answer(p3);
    h.see<release_body>();
    h.answer(h.expect<send_request>());
    auto done = h.expect<finished>();
    CHECK(done.outcome.crc64 == crc64_of(data));
    CHECK(h.m.stats().bytes_resumed == 200 * kib);
}

TEST_CASE("transcript: resume refuses a changed source or a foreign checkpoint", "[machine][transcript]") {
    auto cfg = config(10);
    cfg.source = {10, 100, "crc64s:aa"};
    checkpoint cp;
    cp.endpoint = "http://127.0.0.1:9000";
    cp.bucket = "bucket";
    cp.key = "k";
    cp.upload_id = "U";
    cp.part_size = 100 * kib;
    cp.source = {10, 100, "crc64s:bb"};
    auto r = upload_machine::resume(cfg, cp);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::source_changed);
    cfg.on_stale = stale_policy::restart;
    auto restarted = upload_machine::resume(cfg, cp).value();
    auto first = restarted.next(from_unix_seconds(1));
    REQUIRE(std::holds_alternative<send_request>(first));
    CHECK(std::get<send_request>(first).request.op == operation::abort_multipart_upload);
    cp.source = cfg.source;
    cp.key = "other";
    CHECK(upload_machine::resume(cfg, cp).error().code == errc::checkpoint_mismatch);
    cp.key = "k";
    cp.part_size = 200 * kib;
    CHECK(upload_machine::resume(cfg, cp).error().code == errc::checkpoint_mismatch);
}

TEST_CASE("transcript: server-side copy sends ranged UploadPartCopy requests", "[machine][transcript]") {
    auto cfg = config(std::nullopt);
    copy_from src;
    src.source.bucket = "src-bucket";
    src.source.key = "big object";
    src.size = 250 * kib;
    cfg.copy = src;
    harness h(cfg, "");
    h.oss.check_signatures = false;
    h.answer(h.expect<send_request>());
    auto c1 = h.expect<send_request>();
    CHECK(c1.request.op == operation::upload_part_copy);
    CHECK(c1.request.headers.get("x-oss-copy-source") == "/src-bucket/big%20object");
    CHECK(c1.request.headers.get("x-oss-copy-source-range") == "bytes=0-102399");
    CHECK_FALSE(c1.request.source);
    auto c2 = h.expect<send_request>();
    CHECK(c2.request.headers.get("x-oss-copy-source-range") == "bytes=102400-204799");
    http_response copy_ok;
    copy_ok.status = 200;
    copy_ok.body = "<CopyPartResult><LastModified>2024-01-01T00:00:00.000Z</LastModified><ETag>\"E\"</ETag></CopyPartResult>";
    REQUIRE(h.m.on_response(c1.id, copy_ok, h.clock.now()));
    REQUIRE(h.m.on_response(c2.id, copy_ok, h.clock.now()));
    auto c3 = h.expect<send_request>();
    CHECK(c3.request.headers.get("x-oss-copy-source-range") == "bytes=204800-255999");
}

TEST_CASE("creation refuses impossible configurations", "[machine]") {
    auto bad = [](auto mutate) {
        auto cfg = config(10);
        mutate(cfg);
        return upload_machine::create(cfg);
    };
    CHECK(bad([](upload_config& c) { c.key.clear(); }).error().code == errc::invalid_object_key);
    CHECK(bad([](upload_config& c) { c.bucket = "B"; }).error().code == errc::invalid_bucket_name);
    CHECK(bad([](upload_config& c) { c.signing.v4.region.clear(); }).error().code == errc::invalid_region);
    CHECK(bad([](upload_config& c) { c.signing.creds.access_key_secret.clear(); }).error().code ==
          errc::invalid_credentials);
    CHECK(bad([](upload_config& c) { c.max_in_flight = 0; }).error().code == errc::invalid_argument);
    CHECK(bad([](upload_config& c) { c.part_size = 1; }).error().code == errc::invalid_part_size);
    CHECK(bad([](upload_config& c) { c.source.size = max_object_size + 1; c.part_size = 0; }).error().code ==
          errc::object_too_large);
    CHECK(bad([](upload_config& c) { c.source.size.reset(); c.checkpoints = true; }).error().code == errc::unsupported);
    CHECK(bad([](upload_config& c) { c.initiate.storage_class = "Cold"; }).error().code == errc::invalid_argument);
    CHECK(bad([](upload_config& c) { c.traffic_limit = 5; }).error().code == errc::invalid_argument);
    auto seq = bad([](upload_config& c) { c.initiate.sequential = true; c.max_in_flight = 8; });
    CHECK(seq.value().max_in_flight() == 1);
}

TEST_CASE("transcript: a resume re-checks the parts the checkpoint confirmed", "[machine][transcript][resume]") {
    auto data = bytes(250 * kib);
    auto cfg = config(data.size());
    cfg.source.mtime_ns = 5;
    checkpoint cp;
    std::map<std::string, fake_oss::upload> uploads;
    {
        harness h(cfg, data);
        h.answer(h.expect<send_request>());
        auto p1 = h.expect<send_request>();
        auto p2 = h.expect<send_request>();
        h.answer(p1);
        h.answer(p2);
        cp = h.m.current_checkpoint();
        REQUIRE(cp.parts.size() == 2);
        uploads = h.oss.uploads;
    }
    harness h(upload_machine::resume(cfg, cp).value(), data);
    h.oss.uploads = uploads;
    h.answer(h.expect<send_request>());  // ListParts
    // Part 1: the source still has what OSS holds; kept without sending.
    auto d1 = h.expect<digest_part>();
    CHECK(d1.part_number == 1);
    CHECK(d1.range == body_range{0, 100 * kib});
    REQUIRE(h.m.on_part_digest(1, crc64_of(data.substr(0, 100 * kib)), "", h.clock.now()));
    CHECK(h.expect<release_body>().range == body_range{0, 100 * kib});
    // Part 2: the source changed there since (its CRC-64 now differs): it is sent again.
    auto d2 = h.expect<digest_part>();
    CHECK(d2.part_number == 2);
    REQUIRE(h.m.on_part_digest(2, crc64_of(data.substr(100 * kib, 100 * kib)) ^ 1, "", h.clock.now()));
    CHECK(h.m.part(2) == part_state::pending);
    auto p2 = h.expect<send_request>();
    CHECK(p2.request.part_number == 2);
    auto p3 = h.expect<send_request>();
    CHECK(p3.request.part_number == 3);
    h.answer(p2);
    h.answer(p3);
    h.see<release_body>();
    h.see<release_body>();
    h.answer(h.expect<send_request>());
    CHECK(h.expect<finished>().outcome.crc64 == crc64_of(data));
    CHECK(h.oss.part_uploads[1] == 0);
    CHECK(h.oss.part_uploads[2] == 1);
    CHECK(h.m.stats().bytes_resumed == 100 * kib);
}

TEST_CASE("transcript: before Complete the source is checked; a changed one is kept, never completed",
          "[machine][transcript][source]") {
    for (bool change : {false, true}) {
        auto cfg = config(150 * kib);
        cfg.source = {150 * kib, 5, "crc64s:aa", 7, 9, 1};
        harness h(cfg, bytes(150 * kib));
        h.answer_source_checks = false;
        h.answer(h.expect<send_request>());
        auto p1 = h.expect<send_request>();
        auto p2 = h.expect<send_request>();
        h.answer(p1);
        h.answer(p2);
        h.see<release_body>();
        h.see<release_body>();
        auto cs = h.expect<check_source>();
        CHECK(cs.expected == cfg.source);
        CHECK(h.expect<check_source>().expected == cfg.source);  // asked again until answered
        CHECK(h.m.state() == upload_state::completing);
        h.m.cancel();  // every part is confirmed: too late to cancel
        auto now_id = cfg.source;
        if (change) now_id.ctime_ns = 8;  // rewritten in place, mtime put back
        REQUIRE(h.m.on_source_checked(now_id, h.clock.now()));
        CHECK(h.m.on_source_checked(now_id, h.clock.now()).error().code == errc::wrong_state);
        if (!change) {
            h.answer(h.expect<send_request>());
            h.see<finished>();
            continue;
        }
        auto f = h.expect<failed>();
        CHECK(f.err.code == errc::source_changed);
        CHECK(f.err.message.find("the source changed during the upload (status-change time)") != std::string::npos);
        CHECK(f.err.message.find("kept for resume") != std::string::npos);
        CHECK(f.err.kept_upload_id == h.m.upload_id());  // kept although on_failure is abort
        CHECK(h.oss.requests["CompleteMultipartUpload"] == 0);
        CHECK(h.oss.objects.empty());
        CHECK(h.oss.open_uploads() == 1);
    }
}

TEST_CASE("transcript: a throttled part slows every part down", "[machine][transcript][retry]") {
    auto slow_config = [] {
        auto c = config(300 * kib);
        c.retry.base_delay = duration(1000);  // first slow-down: 1..2 s
        return c;
    };
    harness h(slow_config(), bytes(300 * kib));
    auto init = h.expect<send_request>();
    h.answer(init);
    auto p1 = h.expect<send_request>(), p2 = h.expect<send_request>();
    h.respond(p1, 503, "SlowDown");
    // Part 3 could go (one slot is free) but waits out the same slow-down as part 1.
    auto w = h.expect<wait_until>();
    CHECK(w.deadline >= h.clock.now() + duration(1000));
    CHECK(w.deadline < h.clock.now() + duration(2000));
    CHECK(h.m.part(3) == part_state::pending);
    h.answer(p2);
    h.see<release_body>();
    CHECK(h.expect<wait_until>().deadline == w.deadline);
    h.clock.sleep_until(w.deadline);
    auto again = h.expect<send_request>();
    CHECK(again.request.part_number == 1);
    CHECK(h.expect<send_request>().request.part_number == 3);
    CHECK(h.m.stats().retries == 1);
}

TEST_CASE("creation refuses a stream whose size hint cannot fit", "[machine][stream]") {
    auto cfg = config(std::nullopt);
    cfg.stream_size_hint = 200ull << 30;  // 200 GiB in parts growing from 100 KiB: too many
    auto r = upload_machine::create(cfg);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::too_many_parts);
    CHECK(r.error().op == operation::initiate_multipart_upload);
    cfg.part_size = 0;  // derived: large enough for the hint
    auto m = upload_machine::create(cfg).value();
    auto now = from_unix_seconds(1732450000);
    (void)m.next(now);
    http_response init;
    init.status = 200;
    init.body = "<InitiateMultipartUploadResult><Bucket>bucket</Bucket><Key>k</Key><UploadId>U</UploadId>"
                "</InitiateMultipartUploadResult>";
    REQUIRE(m.on_response(1, init, now));
    auto rs = m.next(now);
    REQUIRE(std::holds_alternative<read_source>(rs));
    CHECK(std::get<read_source>(rs).max_length == default_part_size);
}
