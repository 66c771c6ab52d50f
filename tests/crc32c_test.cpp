// CRC-32C (x-amz-checksum-crc32c): known answers from RFC 3720 B.4 and AWS's own checksum
// tests (tests/vectors/crc32c.json), every kernel against the portable one, update and
// combine, the base64 wire form, and the dispatch: folding for long inputs, SSE4.2 for short.
#include <catch2/catch.hpp>

#include "crc_checks.hpp"
#include "json.hpp"

#include <ossmp/crypto/crc32c.hpp>

#include <string>

using namespace ossmp;
using ossmp_test::json;

namespace {

const json& vectors() {
    static const json v = json::parse_file(std::string(OSSMP_SOURCE_DIR) + "/tests/vectors/crc32c.json");
    return v;
}

struct api {
    using reg = std::uint32_t;
    using stream = ossmp::crc32c;
    static constexpr const char* header = "x-amz-checksum-crc32c";
    static reg of(std::string_view s) { return crc32c_of(s); }
    static reg of_bytes(const void* p, std::size_t n) { return crc32c_of(p, n); }
    static reg update(reg c, const void* p, std::size_t n) { return crc32c_update(c, p, n); }
    static reg combine(reg a, reg b, std::uint64_t n) { return crc32c_combine(a, b, n); }
    static std::string base64(reg c) { return crc32c_base64(c); }
    static result<reg> from_base64(std::string_view t) { return crc32c_from_base64(t); }
    static auto kernels() { return detail::crc32c_kernels(); }
};

}  // namespace

TEST_CASE("crc32c of every `single` vector, through the API, every kernel and the wire form", "[crc32c]") {
    ossmp_test::check_single_vectors<api>(vectors());
    CHECK(crc32c_of("123456789") == 0xE3069283u);
    CHECK(crc32c_base64(0xE3069283u) == "4waSgw==");
}

TEST_CASE("crc32c `combine` vectors", "[crc32c]") { ossmp_test::check_combine_vectors<api>(vectors()); }

TEST_CASE("crc32c update continues a finished CRC, and combine joins parts", "[crc32c]") {
    ossmp_test::check_update_and_combine<api>();
    // Usable at compile time: crc("aaaa" || "bbbb") from the halves.
    static_assert(crc32c_combine(0x6a52eeb0u, 0xc5e9fc97u, 4) == 0x005de873u);
    static_assert(crc32c_combine(0x1234u, 0, 0) == 0x1234u);
    CHECK(crc32c_of("aaaa") == 0x6a52eeb0u);
    CHECK(crc32c_of("bbbb") == 0xc5e9fc97u);
    CHECK(crc32c_of("aaaabbbb") == 0x005de873u);
}

TEST_CASE("crc32c_from_base64 refuses what is not 4 bytes of base64, naming the value", "[crc32c]") {
    ossmp_test::check_wire_errors<api>();
}

TEST_CASE("crc32c kernel list and dispatch", "[crc32c]") {
    const auto names = ossmp_test::checked_kernel_names("CRC-32C", detail::crc32c_kernels(), detail::crc32c_best_kernel());
#if defined(__x86_64__) || defined(__i386__)
    const auto& f = detail::cpu();
#if defined(__x86_64__)
    const bool sse42 = f.sse42;
#else
    const bool sse42 = false;
#endif
    const bool avx2 = f.pclmul && f.vpclmulqdq && f.avx2, avx512 = f.pclmul && f.vpclmulqdq && f.avx512;
    CHECK(names.size() == std::size_t(1 + f.pclmul + sse42 + avx2 + avx512));
    if (f.pclmul) CHECK(names[1] == "pclmul");
    if (sse42) CHECK(names[1 + f.pclmul] == "sse42");
    if (avx512) CHECK(names.back() == "vpclmul-avx512");
    if (sse42) CHECK(detail::crc32c_short_kernel() == detail::crc32c_kernels()[1 + f.pclmul].fn);
#else
    CHECK(names.size() == 1);
#endif
    // Both sides of the short/long threshold give the portable answer.
    const auto buf = ossmp_test::crc_random_bytes(1024, 7);
    for (std::size_t n = detail::crc32c_fold_min_bytes - 9; n < detail::crc32c_fold_min_bytes + 9; ++n) {
        INFO("length " << n);
        CHECK(crc32c_of(buf.data(), n) == ~detail::crc32c_slice8(~0u, buf.data(), n));
    }
}

TEST_CASE("every crc32c kernel equals the portable one", "[crc32c]") {
    ossmp_test::check_kernels_equal_portable<std::uint32_t>(detail::crc32c_kernels(), detail::crc32c_slice8);
}

TEST_CASE("every crc32c kernel equals the portable one on large buffers", "[crc32c]") {
    // 3 MiB + 13 also runs the SSE4.2 kernel's long lanes (3 x 8 KiB) many times.
    const std::uint32_t want =
        ossmp_test::check_kernels_on_large_buffer<std::uint32_t>(detail::crc32c_kernels(), detail::crc32c_slice8);
    const auto buf = ossmp_test::crc_random_bytes((std::size_t(3) << 20) + 13 + 64, 2024);
    CHECK(crc32c_of(buf.data() + 5, (std::size_t(3) << 20) + 13) == want);
}

#if defined(__x86_64__) || defined(__i386__)
TEST_CASE("crc32c kernels leave no dirty upper vector state", "[crc32c]") {
    ossmp_test::check_kernels_leave_clean_upper_state<std::uint32_t>(
        detail::crc32c_kernels(), [](const void* p, std::size_t n) { return crc32c_of(p, n); });
}
#endif
