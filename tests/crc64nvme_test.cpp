// CRC-64/NVME (x-amz-checksum-crc64nvme), the CRC-64/XZ engine with another polynomial:
// known answers from AWS's checksum tests (tests/vectors/crc64nvme.json, including the CRC
// of 3 GiB of zeros, reached by combining), every kernel against the portable one, update
// and combine, and the base64 wire form.
#include <catch2/catch.hpp>

#include "crc_checks.hpp"
#include "json.hpp"

#include <ossmp/crypto/crc64.hpp>
#include <ossmp/crypto/crc64nvme.hpp>

#include <string>

using namespace ossmp;
using ossmp_test::json;

namespace {

const json& vectors() {
    static const json v = json::parse_file(std::string(OSSMP_SOURCE_DIR) + "/tests/vectors/crc64nvme.json");
    return v;
}

struct api {
    using reg = std::uint64_t;
    using stream = ossmp::crc64nvme;
    static constexpr const char* header = "x-amz-checksum-crc64nvme";
    static reg of(std::string_view s) { return crc64nvme_of(s); }
    static reg of_bytes(const void* p, std::size_t n) { return crc64nvme_of(p, n); }
    static reg update(reg c, const void* p, std::size_t n) { return crc64nvme_update(c, p, n); }
    static reg combine(reg a, reg b, std::uint64_t n) { return crc64nvme_combine(a, b, n); }
    static std::string base64(reg c) { return crc64nvme_base64(c); }
    static result<reg> from_base64(std::string_view t) { return crc64nvme_from_base64(t); }
    static auto kernels() { return detail::crc64nvme_kernels(); }
};

std::uint64_t portable(std::uint64_t reg, const unsigned char* p, std::size_t n) noexcept {
    return detail::crc_slice8<std::uint64_t, detail::crc64nvme_poly>(reg, p, n);
}

}  // namespace

TEST_CASE("crc64nvme of every `single` vector, through the API, every kernel and the wire form", "[crc64nvme]") {
    ossmp_test::check_single_vectors<api>(vectors());
    CHECK(crc64nvme_of("123456789") == 0xAE8B14860A799888ull);
    CHECK(crc64nvme_base64(0xAE8B14860A799888ull) == "rosUhgp5mIg=");
    // Another polynomial than OSS's CRC-64 over the same bytes.
    CHECK(crc64_of("123456789") != crc64nvme_of("123456789"));
}

TEST_CASE("crc64nvme `combine` vectors, 3 GiB of zeros included", "[crc64nvme]") {
    ossmp_test::check_combine_vectors<api>(vectors());
}

TEST_CASE("crc64nvme update continues a finished CRC, and combine joins parts", "[crc64nvme]") {
    ossmp_test::check_update_and_combine<api>();
    static_assert(crc64nvme_combine(0x182dab5bc55c94f0ull, 0xa35d897344981163ull, 4) == 0x41016c56915137cdull);
    CHECK(crc64nvme_of("aaaabbbb") == 0x41016c56915137cdull);
}

TEST_CASE("crc64nvme_from_base64 refuses what is not 8 bytes of base64, naming the value", "[crc64nvme]") {
    ossmp_test::check_wire_errors<api>();
}

TEST_CASE("crc64nvme has the CRC-64/XZ kernels", "[crc64nvme]") {
    const auto nvme = detail::crc64nvme_kernels(), xz = detail::crc64_kernels();
    REQUIRE(nvme.size() == xz.size());
    for (std::size_t i = 0; i < nvme.size(); ++i) {
        CHECK(std::string(nvme[i].name) == xz[i].name);
        CHECK(nvme[i].fn != xz[i].fn);
    }
}

TEST_CASE("every crc64nvme kernel equals the portable one", "[crc64nvme]") {
    ossmp_test::check_kernels_equal_portable<std::uint64_t>(detail::crc64nvme_kernels(), portable);
}

TEST_CASE("every crc64nvme kernel equals the portable one on large buffers", "[crc64nvme]") {
    const std::uint64_t want =
        ossmp_test::check_kernels_on_large_buffer<std::uint64_t>(detail::crc64nvme_kernels(), portable);
    const auto buf = ossmp_test::crc_random_bytes((std::size_t(3) << 20) + 13 + 64, 2024);
    CHECK(crc64nvme_of(buf.data() + 5, (std::size_t(3) << 20) + 13) == want);
}

#if defined(__x86_64__) || defined(__i386__)
TEST_CASE("crc64nvme kernels leave no dirty upper vector state", "[crc64nvme]") {
    ossmp_test::check_kernels_leave_clean_upper_state<std::uint64_t>(
        detail::crc64nvme_kernels(), [](const void* p, std::size_t n) { return crc64nvme_of(p, n); });
}
#endif
