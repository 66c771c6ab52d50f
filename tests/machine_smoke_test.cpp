#include <catch2/catch.hpp>

#include "fault_transport.hpp"
#include "stepper.hpp"

#include <random>

using namespace ossmp;
using namespace ossmp_test;

namespace {
std::string random_bytes(std::size_t n, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::string s(n, '\0');
    for (auto& c : s) c = static_cast<char>(rng());
    return s;
}
upload_config base_config(std::uint64_t size) {
    upload_config c;
    c.ep = parse_endpoint("http://127.0.0.1:9000").value();
    c.bucket = "bucket";
    c.key = "dir/file name+1.bin";
    c.signing = {signature_version::v4, {"ak", "sk", ""}, {"cn-hangzhou", "oss", {}}, {}};
    c.source.size = size;
    c.part_size = 100 * 1024;
    return c;
}
}  // namespace

TEST_CASE("an upload without faults stores exactly the source", "[machine][smoke]") {
    auto data = random_bytes(350 * 1024 + 17, 1);
    virtual_clock clock;
    fake_oss oss(clock);
    fault_transport t(oss, clock, {}, 7);
    memory_source src(data);
    auto m = upload_machine::create(base_config(data.size())).value();
    auto r = run(m, t, src, {}, clock_ref{&clock});
    INFO((r ? std::string("ok") : r.error().what()));
    REQUIRE(r);
    CHECK(r->part_count == 4);
    CHECK(r->crc64 == crc64_of(data));
    CHECK(oss.objects.at("bucket/dir/file name+1.bin").data == data);
    CHECK(oss.open_uploads() == 0);
    CHECK(m.state() == upload_state::completed);
}
