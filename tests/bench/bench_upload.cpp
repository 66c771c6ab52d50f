// The upload machine's own cost: a 10,000-part upload driven over an instant in-memory
// transport (canned answers, no bytes moved), so what is measured is planning, request
// building, signing, response parsing and bookkeeping. The peer does the same protocol
// work by hand, without the machine: build and sign each UploadPart with the builders,
// parse each canned answer, then build, sign and parse Complete. The ratio shows what the
// machine's state keeping costs on top of the protocol itself. Target: < 50 ms in total
// (< 5 us a part).
#include "bench.hpp"

#include <ossmp/ossmp.hpp>

#include <string>
#include <vector>

namespace {

using namespace ossmp;

constexpr std::uint32_t parts = 10000;
constexpr std::uint64_t part_size = 100 * 1024;

upload_config config() {
    upload_config c;
    c.ep = parse_endpoint("https://oss-cn-hangzhou.aliyuncs.com").value();
    c.bucket = "examplebucket";
    c.key = "backups/2026/archive.tar";
    c.signing = {signature_version::v4, {"ak", "sk", ""}, {"cn-hangzhou", "oss", {}}, {}};
    c.source.size = std::uint64_t(parts) * part_size;
    c.part_size = part_size;
    c.max_in_flight = 8;
    return c;
}

// Canned answers: part n has CRC n (the "sent" CRC reported is the same), Complete carries
// the fold of those CRCs.
http_response part_answer(std::uint32_t n) {
    http_response r;
    r.status = 200;
    r.headers.set("x-oss-request-id", "5C3D9175B6FC201293AD4890");
    r.headers.set("ETag", "\"" + std::to_string(n) + "8EFDCB2C2F7A3D4C8DDEF0C2B3A1D4F\"");
    r.headers.set("x-oss-hash-crc64ecma", std::to_string(n));
    return r;
}

std::uint64_t folded_crc() {
    std::uint64_t crc = 0;
    for (std::uint32_t n = 1; n <= parts; ++n) crc = crc64_combine(crc, n, part_size);
    return crc;
}

http_response complete_answer(std::uint64_t crc) {
    http_response r;
    r.status = 200;
    r.headers.set("x-oss-hash-crc64ecma", std::to_string(crc));
    r.body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CompleteMultipartUploadResult>\n"
             "  <Location>https://examplebucket.oss-cn-hangzhou.aliyuncs.com/backups/2026/archive.tar</Location>\n"
             "  <Bucket>examplebucket</Bucket>\n  <Key>backups/2026/archive.tar</Key>\n"
             "  <ETag>\"A5E3F0C2D1B4A6978C0D2E4F6A8B0C1D-10000\"</ETag>\n</CompleteMultipartUploadResult>\n";
    return r;
}

http_response initiate_answer() {
    http_response r;
    r.status = 200;
    r.body = "<InitiateMultipartUploadResult><Bucket>examplebucket</Bucket><Key>backups/2026/archive.tar</Key>"
             "<UploadId>0004B9894A22E5B1888A1E29F823</UploadId></InitiateMultipartUploadResult>";
    return r;
}

std::size_t run_machine(std::uint64_t crc) {
    auto m = upload_machine::create(config()).value();
    auto now = from_unix_seconds(1732450000);
    std::vector<send_request> flying;
    std::size_t sent = 0;
    for (;;) {
        auto a = m.next(now);
        if (auto* s = std::get_if<send_request>(&a)) {
            flying.push_back(std::move(*s));
            ++sent;
            continue;
        }
        if (std::holds_alternative<finished>(a)) break;
        if (std::holds_alternative<failed>(a)) {
            std::fprintf(stderr, "bench upload: %s\n", std::get<failed>(a).err.what().c_str());
            std::exit(1);
        }
        if (std::holds_alternative<release_body>(a)) continue;
        if (std::holds_alternative<check_source>(a)) {
            (void)m.on_source_checked(std::nullopt, now);  // memory: cannot change
            continue;
        }
        for (auto& f : flying) {
            const auto& req = f.request;
            if (req.op == operation::upload_part)
                (void)m.on_response(f.id, part_answer(req.part_number), now, req.part_number);
            else if (req.op == operation::initiate_multipart_upload)
                (void)m.on_response(f.id, initiate_answer(), now);
            else
                (void)m.on_response(f.id, complete_answer(crc), now);
        }
        flying.clear();
    }
    return sent;
}

std::size_t run_by_hand(std::uint64_t crc) {
    auto cfg = config();
    auto now = from_unix_seconds(1732450000);
    v4_key_cache cache;
    auto init = make_initiate_request(cfg.ep, cfg.bucket, cfg.key).value();
    (void)sign_request(init, cfg.signing, now, &cache);
    auto id = parse_initiate_result(initiate_answer()).value().upload_id;
    std::vector<completed_part> done;
    done.reserve(parts);
    for (std::uint32_t n = 1; n <= parts; ++n) {
        auto req = make_upload_part_request(cfg.ep, cfg.bucket, cfg.key, id, n, {(n - 1) * part_size, part_size}).value();
        (void)sign_request(req, cfg.signing, now, &cache);
        auto r = parse_upload_part_result(part_answer(n), n).value();
        if (r.crc64 != n) std::exit(1);
        done.push_back({n, std::move(r.etag)});
    }
    auto c = make_complete_request(cfg.ep, cfg.bucket, cfg.key, id, done).value();
    (void)sign_request(c, cfg.signing, now, &cache);
    auto res = parse_complete_result(complete_answer(crc)).value();
    ossmp_bench::keep(res);
    return parts + 2;
}

void bench_upload() {
    auto crc = folded_crc();
    if (run_machine(crc) != parts + 2 || run_by_hand(crc) != parts + 2) {
        std::fprintf(stderr, "bench upload: unexpected request count\n");
        std::exit(1);
    }
    auto [ours, peer] = ossmp_bench::time_pair([&] { run_machine(crc); }, [&] { run_by_hand(crc); }, 7);
    ossmp_bench::report("upload_machine_10000_parts", parts / ours, "builders+signer+parsers by hand, no machine",
                        parts / peer, "parts/s");
    std::printf("# upload_machine_10000_parts: %.1f ms in total, %.2f us a part (target < 50 ms, < 5 us)\n",
                ours * 1e3, ours / parts * 1e6);
}

OSSMP_BENCH("upload", bench_upload);

}  // namespace
