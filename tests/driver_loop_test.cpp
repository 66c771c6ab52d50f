// The README's driver loop (examples/driver_loop.hpp) uploads correctly: it is compiled
// here and run against the in-process model of OSS.
#include <catch2/catch.hpp>

#include "../examples/driver_loop.hpp"
#include "fault_transport.hpp"

#include <random>

using namespace ossmp;
using namespace ossmp_test;

TEST_CASE("the README's driver loop completes and verifies an upload", "[readme][driver]") {
    std::mt19937_64 rng(3);
    std::string data(450 * 1024 + 5, '\0');
    for (auto& c : data) c = static_cast<char>(rng());
    virtual_clock clock;
    clock.t = system_clock{}.now();  // the loop signs with the real clock
    fake_oss oss(clock);
    fault_transport t(oss, clock, {}, 1);
    memory_source src(data);
    upload_config cfg;
    cfg.ep = parse_endpoint("http://127.0.0.1:9000").value();
    cfg.bucket = "bucket";
    cfg.key = "readme/loop.bin";
    cfg.signing = {signature_version::v4, {"ak", "sk", ""}, {"cn-hangzhou", "oss", {}}, {}};
    cfg.source.size = data.size();
    cfg.part_size = 100 * 1024;
    cfg.content_md5 = true;  // exercises the digest_part branch
    auto m = upload_machine::create(cfg).value();
    auto r = example::drive(m, t, src);
    INFO((r ? std::string("ok") : r.error().what()));
    REQUIRE(r);
    CHECK(r->crc64 == crc64_of(data));
    CHECK(oss.objects.at("bucket/readme/loop.bin").data == data);
}
