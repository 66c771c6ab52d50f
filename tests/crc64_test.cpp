#include <catch2/catch.hpp>

#include <json.hpp>

#include "crc_checks.hpp"

#include <ossmp/crypto/crc64.hpp>

#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

using namespace ossmp;
using ossmp_test::json;

namespace {

const json& vectors() {
    static const json v = json::parse_file(std::string(OSSMP_SOURCE_DIR) + "/tests/vectors/crc64.json");
    return v;
}

std::uint64_t hex_u64(const std::string& s) { return std::stoull(s, nullptr, 16); }

// A `single` entry's input: its ASCII text, or "N bytes of 0xHH".
std::string input_of(const json& e) {
    const std::size_t length = e["length"].u64();
    if (!e["input_ascii"].is_null()) return e["input_ascii"].str();
    if (length == 0) return {};
    std::size_t n = 0;
    unsigned byte = 0;
    const std::string d = e["input_description"].str();
    if (std::sscanf(d.c_str(), "%zu bytes of 0x%x", &n, &byte) != 2)
        FAIL("unrecognised input_description: " << d);
    REQUIRE(n == length);
    return std::string(n, static_cast<char>(byte));
}

// The portable kernel on the raw register: the reference every other path is held to.
std::uint64_t portable_crc(std::uint64_t crc, const void* p, std::size_t n) {
    return ~detail::crc64_slice8(~crc, static_cast<const unsigned char*>(p), n);
}

}  // namespace

TEST_CASE("crc64 of every `single` vector, through the API and every kernel", "[crc64]") {
    const auto& singles = vectors()["single"].items();
    REQUIRE(singles.size() >= 10);
    for (const auto& e : singles) {
        const std::string in = input_of(e);
        const std::uint64_t want = hex_u64(e["crc64_hex"].str());
        INFO("input of length " << in.size() << ": " << (in.size() < 100 ? in : std::string("(long)")));
        CHECK(in.size() == e["length"].u64());
        CHECK(crc64_of(in) == want);
        CHECK(crc64_of(in.data(), in.size()) == want);
        CHECK(crc64{}.update(in).value() == want);
        // The wire form is the unsigned decimal.
        CHECK(std::to_string(crc64_of(in)) == e["crc64_decimal"].str());
        for (auto k : detail::crc64_kernels()) {
            INFO("kernel " << k.name);
            CHECK(~k.fn(~0ull, reinterpret_cast<const unsigned char*>(in.data()), in.size()) == want);
        }
    }
    CHECK(crc64_of("123456789") == 0x995dc9bbdf1939faull);
}

TEST_CASE("crc64 `combine` vectors", "[crc64]") {
    int checked = 0;
    for (const auto& e : vectors()["combine"].items()) {
        INFO(e["description"].str());
        const std::uint64_t want_key = e.contains("expected_hex") ? hex_u64(e["expected_hex"].str()) : 0;
        if (e.contains("crc1_hex")) {
            CHECK(crc64_combine(hex_u64(e["crc1_hex"].str()), hex_u64(e["crc2_hex"].str()),
                                e["len2"].u64()) == want_key);
            ++checked;
        } else if (e.contains("init_hex")) {
            const std::string data = e["data_ascii"].str();
            CHECK(crc64_update(hex_u64(e["init_hex"].str()), data) == want_key);
            CHECK(crc64(hex_u64(e["init_hex"].str())).update(data).value() == want_key);
            ++checked;
        } else if (e.contains("parts_lengths")) {
            REQUIRE(e["parts_content"].str() == "all zero bytes");
            const auto& lengths = e["parts_lengths"].items();
            const auto& crcs = e["part_crcs_hex"].items();
            REQUIRE(lengths.size() == crcs.size());
            std::uint64_t fold = 0, total = 0;
            for (std::size_t i = 0; i < lengths.size(); ++i) {
                const std::string part(lengths[i].u64(), '\0');
                const std::uint64_t c = crc64_of(part);
                CHECK(c == hex_u64(crcs[i].str()));
                fold = crc64_combine(fold, c, part.size());
                total += part.size();
            }
            CHECK(fold == hex_u64(e["expected_fold_hex"].str()));
            CHECK(crc64_of(std::string(total, '\0')) == hex_u64(e["expected_whole_hex"].str()));
            ++checked;
        } else {
            FAIL("unrecognised combine entry");
        }
    }
    CHECK(checked >= 5);
}

TEST_CASE("crc64 fixtures from SDK mocks are unsigned 64-bit decimals", "[crc64]") {
    // The mock's content is unknown, so only its wire form can be checked: a decimal that
    // round-trips through uint64_t and needs the top bit (a signed parse would overflow).
    for (const auto& f : vectors()["fixtures_from_mocks"].items()) {
        const std::string d = f["value_decimal"].str();
        const std::uint64_t v = std::stoull(d);
        CHECK(std::to_string(v) == d);
        CHECK(v > 0x7fffffffffffffffull);
    }
}

TEST_CASE("crc64 Go SDK anchor: combine at every split point", "[crc64]") {
    const std::string s =
        "Even if I could be Shakespeare, I think I should still choose to be Faraday. - A. Huxley";
    REQUIRE(crc64_of(s) == 0x7ad25fafa1710407ull);
    for (std::size_t i = 0; i <= s.size(); ++i) {
        INFO("split " << i);
        CHECK(crc64_combine(crc64_of(s.substr(0, i)), crc64_of(s.substr(i)), s.size() - i) ==
              0x7ad25fafa1710407ull);
    }
}

TEST_CASE("crc64 update continues a finished CRC at every split", "[crc64]") {
    // Long enough that both halves reach the folding kernels for most splits.
    const auto buf = ossmp_test::crc_random_bytes(1200, 64);
    const std::uint64_t whole = portable_crc(0, buf.data(), buf.size());
    CHECK(crc64_of(buf.data(), buf.size()) == whole);
    for (std::size_t i = 0; i <= buf.size(); ++i) {
        INFO("split " << i);
        REQUIRE(crc64_update(crc64_update(0, buf.data(), i), buf.data() + i, buf.size() - i) == whole);
    }
    crc64 c;
    for (std::size_t i = 0; i < buf.size(); i += 7)
        c.update(buf.data() + i, std::min<std::size_t>(7, buf.size() - i));
    CHECK(c.value() == whole);
    c.reset();
    CHECK(c.value() == 0);
    CHECK(crc64_update(whole, nullptr, 0) == whole);
}

TEST_CASE("crc64_combine on random data", "[crc64]") {
    std::mt19937 rng(182);
    const auto buf = ossmp_test::crc_random_bytes(300000, 1982);
    for (int it = 0; it < 200; ++it) {
        const std::size_t a = rng() % 150000, b = rng() % 150000;
        const std::size_t lens[] = {a % 40, a, a % 5000};
        for (std::size_t la : lens) {
            const std::uint64_t ca = crc64_of(buf.data(), la), cb = crc64_of(buf.data() + la, b);
            INFO("len(a) " << la << ", len(b) " << b);
            REQUIRE(crc64_combine(ca, cb, b) == crc64_of(buf.data(), la + b));
        }
    }
    // Associativity: folding three parts either way round gives the same.
    const std::uint64_t c1 = crc64_of(buf.data(), 1000), c2 = crc64_of(buf.data() + 1000, 2000),
                        c3 = crc64_of(buf.data() + 3000, 3000);
    CHECK(crc64_combine(crc64_combine(c1, c2, 2000), c3, 3000) ==
          crc64_combine(c1, crc64_combine(c2, c3, 3000), 5000));
    // It is usable at compile time, and a zero-length second part changes nothing.
    static_assert(crc64_combine(0x5da746ffa5045ce9ull, 0x573a0a56c70bc2ddull, 5) == 0xb1cb31bbb4a2b2beull);
    static_assert(crc64_combine(0x1234, 0, 0) == 0x1234);
}

TEST_CASE("crc64 kernel list: portable first, accelerated ones when the CPU has them", "[crc64]") {
    const auto names = ossmp_test::checked_kernel_names("CRC-64", detail::crc64_kernels(), detail::crc64_best_kernel());
#if defined(__x86_64__) || defined(__i386__)
    const auto& f = detail::cpu();
    const bool avx2 = f.pclmul && f.vpclmulqdq && f.avx2, avx512 = f.pclmul && f.vpclmulqdq && f.avx512;
    CHECK(names.size() == std::size_t(1 + f.pclmul + avx2 + avx512));
    if (f.pclmul) CHECK(names[1] == "pclmul");
    if (avx2) CHECK(names[2] == "vpclmul-avx2");
    if (avx512) CHECK(names.back() == "vpclmul-avx512");
#else
    CHECK(names.size() == 1);
#endif
}

TEST_CASE("every crc64 kernel equals the portable one", "[crc64]") {
    ossmp_test::check_kernels_equal_portable<std::uint64_t>(detail::crc64_kernels(), detail::crc64_slice8);
}

TEST_CASE("every crc64 kernel equals the portable one on large buffers", "[crc64]") {
    const std::uint64_t want =
        ossmp_test::check_kernels_on_large_buffer<std::uint64_t>(detail::crc64_kernels(), detail::crc64_slice8);
    const auto buf = ossmp_test::crc_random_bytes((std::size_t(3) << 20) + 13 + 64, 2024);
    CHECK(crc64_of(buf.data() + 5, (std::size_t(3) << 20) + 13) == want);
}

#if defined(__x86_64__) || defined(__i386__)
TEST_CASE("crc64 kernels leave no dirty upper vector state", "[crc64]") {
    ossmp_test::check_kernels_leave_clean_upper_state<std::uint64_t>(
        detail::crc64_kernels(), [](const void* p, std::size_t n) { return crc64_of(p, n); });
}
#endif
