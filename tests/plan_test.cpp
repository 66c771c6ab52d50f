#include <catch2/catch.hpp>

#include <ossmp/upload/plan.hpp>

using namespace ossmp;

TEST_CASE("plans cut a source into contiguous parts", "[plan]") {
    auto p = plan_upload(25 * 1024 * 1024).value();
    CHECK(p.part_size == default_part_size);
    CHECK(p.part_count == 4);
    CHECK(p.part(1) == body_range{0, default_part_size});
    CHECK(p.part(4) == body_range{3 * default_part_size, 1024 * 1024});
    std::uint64_t next = 0;
    for (std::uint32_t n = 1; n <= p.part_count; ++n) {
        CHECK(p.part(n).offset == next);
        next += p.part(n).length;
    }
    CHECK(next == p.size);
}

TEST_CASE("empty and one-part sources", "[plan]") {
    auto empty = plan_upload(0).value();
    CHECK(empty.part_count == 1);
    CHECK(empty.part(1) == body_range{0, 0});
    auto one = plan_upload(1, 100 * 1024).value();
    CHECK(one.part_count == 1);
    CHECK(one.part(1) == body_range{0, 1});
    auto exact = plan_upload(200 * 1024, 100 * 1024).value();
    CHECK(exact.part_count == 2);
    CHECK(exact.part(2).length == 100 * 1024);
}

TEST_CASE("derived part sizes grow to fit 10,000 parts", "[plan]") {
    constexpr std::uint64_t mib = 1024 * 1024, gib = 1024 * mib;
    auto p = plan_upload(100 * gib).value();
    CHECK(p.part_count <= 10000);
    CHECK(p.part_size % mib == 0);
    CHECK(p.part_size == 11 * mib);
    auto edge = plan_upload(10000 * default_part_size).value();
    CHECK(edge.part_size == default_part_size);
    CHECK(edge.part_count == 10000);
    auto over = plan_upload(10000 * default_part_size + 1).value();
    CHECK(over.part_size == 9 * mib);
    auto biggest = plan_upload(max_object_size).value();
    CHECK(biggest.part_size == max_part_size);
    CHECK(biggest.part_count == 10000);
}

TEST_CASE("impossible plans are refused before any request", "[plan]") {
    auto too_big = plan_upload(max_object_size + 1);
    REQUIRE_FALSE(too_big);
    CHECK(too_big.error().code == errc::object_too_large);
    CHECK(plan_upload(1000, 100 * 1024 - 1).error().code == errc::invalid_part_size);
    CHECK(plan_upload(1000, max_part_size + 1).error().code == errc::invalid_part_size);
    auto many = plan_upload(10001ull * 100 * 1024, 100 * 1024);
    REQUIRE_FALSE(many);
    CHECK(many.error().code == errc::too_many_parts);
    CHECK(many.error().message.find("at least 102411 bytes") != std::string::npos);
    CHECK(plan_upload(10000ull * 100 * 1024, 100 * 1024));
}

TEST_CASE("stream parts double after every 1,000 and stop at 5 GiB", "[plan][stream]") {
    constexpr std::uint64_t kib = 1024, mib = 1024 * kib;
    CHECK(stream_part_size(100 * kib, 1) == 100 * kib);
    CHECK(stream_part_size(100 * kib, 1000) == 100 * kib);
    CHECK(stream_part_size(100 * kib, 1001) == 200 * kib);
    CHECK(stream_part_size(100 * kib, 2001) == 400 * kib);
    CHECK(stream_part_size(100 * kib, 10000) == 100 * kib * 512);
    CHECK(stream_part_size(4 * 1024 * mib, 1001) == max_part_size);
    CHECK(stream_part_size(max_part_size, 10000) == max_part_size);
    // Capacity: 1,000 parts of each size, base * (1 + 2 + ... + 512).
    CHECK(stream_capacity(100 * kib) == 1000 * 100 * kib * 1023);
    CHECK(stream_capacity(default_part_size) == 1000 * default_part_size * 1023);
    CHECK(stream_capacity(max_part_size) == max_object_size);
    std::uint64_t sum = 0;
    for (std::uint32_t n = 1; n <= max_part_number; ++n) sum += stream_part_size(64 * mib, n);
    CHECK(sum == stream_capacity(64 * mib));
}

TEST_CASE("a stream's first part size, with and without a size hint", "[plan][stream]") {
    constexpr std::uint64_t kib = 1024, mib = 1024 * kib;
    CHECK(plan_stream(std::nullopt).value() == default_part_size);
    CHECK(plan_stream(std::nullopt, 100 * kib).value() == 100 * kib);
    CHECK(plan_stream(std::nullopt, 1).error().code == errc::invalid_part_size);
    // A hint the default holds keeps the default; a bigger one grows it in whole MiB.
    CHECK(plan_stream(1ull << 40).value() == default_part_size);
    auto big = plan_stream(40ull << 40).value();
    CHECK(big % mib == 0);
    CHECK(stream_capacity(big) >= (40ull << 40));
    CHECK(stream_capacity(big - mib) < (40ull << 40));
    CHECK(plan_stream(max_object_size + 1).error().code == errc::object_too_large);
    // An explicit part size must hold the hint, or the upload is refused before it starts.
    CHECK(plan_stream(90ull << 30, 100 * kib).value() == 100 * kib);
    auto e = plan_stream(200ull << 30, 100 * kib).error();
    CHECK(e.code == errc::too_many_parts);
    CHECK(e.message.find("use a part size of at least") != std::string::npos);
    auto need = plan_stream(200ull << 30, 300 * kib);
    CHECK(need);
}
