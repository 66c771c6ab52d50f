// Test support: the checks every CRC of the library goes through (CRC-64/XZ, CRC-64/NVME,
// CRC-32C): each kernel equals the portable one at every length, offset and starting
// register; on large buffers, whole and in uneven pieces; and returns with clean upper
// vector state. Also the reader of the S3 CRC vector files (crc32c.json, crc64nvme.json).
#pragma once

#include <catch2/catch.hpp>

#include "crc_zeros.hpp"
#include "json.hpp"

#include <ossmp/crypto/base64.hpp>
#include <ossmp/crypto/detail/cpu.hpp>
#include <ossmp/error.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <random>
#include <span>
#include <string>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace ossmp_test {

inline std::vector<unsigned char> crc_random_bytes(std::size_t n, std::uint32_t seed) {
    std::vector<unsigned char> v(n);
    std::mt19937 rng(seed);
    for (auto& b : v) b = static_cast<unsigned char>(rng());
    return v;
}

// The names of `kernels` (a span of {name, fn}), slowest first, after checking that the
// portable one leads and that `best` (what the public functions dispatch to) is the last.
// A WARN shows in the test log which kernels this machine ran.
template <class Kernels, class Fn>
std::vector<std::string> checked_kernel_names(const char* crc, Kernels kernels, Fn best) {
    REQUIRE(kernels.size() >= 1);
    CHECK(std::string(kernels[0].name) == "slice8");
    CHECK(best == kernels.back().fn);
    std::vector<std::string> names;
    std::string all;
    for (auto k : kernels) {
        names.push_back(k.name);
        all += names.back() + " ";
    }
    WARN(crc << " kernels here: " << all);
    return names;
}

// Every kernel in `kernels` (a span of {name, fn}) against `portable` on the raw register.
template <class Reg, class Kernels, class Portable>
void check_kernels_equal_portable(Kernels kernels, Portable portable) {
    std::mt19937_64 rng(4096);
    auto buf = crc_random_bytes(8192 + 64, 99);
    for (auto k : kernels) {
        INFO("kernel " << k.name);
        // Every length 0..4096 once, at a random misalignment and starting register.
        for (std::size_t n = 0; n <= 4096; ++n) {
            const std::size_t off = rng() % 64;
            const Reg reg = static_cast<Reg>(rng());
            INFO("length " << n << " at offset " << off);
            REQUIRE(k.fn(reg, buf.data() + off, n) == portable(reg, buf.data() + off, n));
        }
        // Every misalignment for lengths around the kernels' block sizes and the length from
        // which the wide kernels align their loads first.
        for (std::size_t n : {15u, 16u, 31u, 32u, 63u, 64u, 127u, 128u, 255u, 256u, 257u, 319u, 511u, 767u, 768u,
                              769u, 1000u, 4095u, 4096u, 4097u, 4350u, 8192u}) {
            for (std::size_t off = 0; off < 64; ++off) {
                INFO("length " << n << " at offset " << off);
                REQUIRE(k.fn(Reg(~Reg(0)), buf.data() + off, n) == portable(Reg(~Reg(0)), buf.data() + off, n));
            }
        }
    }
}

// The same on a 3 MiB buffer, whole and fed in uneven pieces; returns the finished CRC.
template <class Reg, class Kernels, class Portable>
Reg check_kernels_on_large_buffer(Kernels kernels, Portable portable) {
    const std::size_t big = (std::size_t(3) << 20) + 13;
    const auto buf = crc_random_bytes(big + 64, 2024);
    const Reg want = portable(Reg(~Reg(0)), buf.data() + 5, big);
    for (auto k : kernels) {
        INFO("kernel " << k.name);
        CHECK(k.fn(Reg(~Reg(0)), buf.data() + 5, big) == want);
        CHECK(k.fn(Reg(~Reg(0)), buf.data() + 64, big) == portable(Reg(~Reg(0)), buf.data() + 64, big));
        Reg reg = Reg(~Reg(0));
        std::size_t pos = 0;
        for (std::size_t step = 1; pos < big; step = step * 7 % 300007 + 1) {
            const std::size_t n = std::min(step, big - pos);
            reg = k.fn(reg, buf.data() + 5 + pos, n);
            pos += n;
        }
        CHECK(reg == want);
    }
    return Reg(~want);
}

#if defined(__x86_64__) || defined(__i386__)
// XINUSE (XGETBV with ECX = 1) bit 2: the upper halves of YMM0-15 may be non-zero; bit 6:
// the upper 256 bits of ZMM0-15. Either set makes later legacy-SSE code pay for merging.
// (Bit 7, ZMM16-31, does not: SSE cannot address those registers.)
inline constexpr std::uint64_t dirty_upper_bits = (1u << 2) | (1u << 6);

__attribute__((target("avx"))) inline void clear_upper_state() { _mm256_zeroupper(); }

// Dirties the upper YMM state and reads XINUSE before anything can clean it (the compiler
// puts a VZEROUPPER after any AVX code it can see, inline assembly included), then cleans.
__attribute__((target("avx"))) inline std::uint64_t xinuse_while_dirty() {
    std::uint32_t lo, hi;
    __asm__ __volatile__(
        "vpcmpeqd %%ymm0, %%ymm0, %%ymm0\n\t"
        ".byte 0x0f, 0x01, 0xd0\n\t"  // xgetbv
        "vzeroupper"
        : "=a"(lo), "=d"(hi)
        : "c"(1)
        : "xmm0");
    return (std::uint64_t(hi) << 32) | lo;
}

// Runs each kernel, then `api` (the public function on a long input), and checks none of
// them leaves dirty upper vector state behind.
template <class Reg, class Kernels, class Api>
void check_kernels_leave_clean_upper_state(Kernels kernels, Api api) {
    const auto& f = ossmp::detail::cpu();
    if (!f.avx || !f.xinuse) {
        WARN("skipped: this CPU/OS does not report XINUSE (XGETBV with ECX=1) or has no AVX");
        return;
    }
    clear_upper_state();
    if (ossmp::detail::xgetbv(1) & dirty_upper_bits) {
        WARN("skipped: XINUSE does not clear on VZEROUPPER here, so dirty state cannot be told apart");
        return;
    }
    // The probe must see dirty state when there is some, or this check could never fail.
    REQUIRE((xinuse_while_dirty() & dirty_upper_bits) != 0);

    const auto buf = crc_random_bytes((std::size_t(1) << 20) + 7, 5);
    for (auto k : kernels) {
        clear_upper_state();
        volatile Reg sink = k.fn(Reg(~Reg(0)), buf.data() + 1, buf.size() - 1);
        const std::uint64_t in_use = ossmp::detail::xgetbv(1);
        (void)sink;
        INFO("kernel " << k.name << ", XINUSE " << in_use);
        CHECK((in_use & dirty_upper_bits) == 0);
    }
    clear_upper_state();
    volatile Reg sink = api(buf.data(), buf.size());
    const std::uint64_t in_use = ossmp::detail::xgetbv(1);
    (void)sink;
    INFO("public API, XINUSE " << in_use);
    CHECK((in_use & dirty_upper_bits) == 0);
}
#endif

// A `single` entry's input in crc32c.json / crc64nvme.json: input_ascii, input_hex, or
// input_description "N bytes of 0xHH".
inline std::string crc_vector_input(const json& e) {
    if (e.contains("input_ascii")) return e["input_ascii"].str();
    if (e.contains("input_hex")) {
        const std::string& h = e["input_hex"].str();
        std::string out;
        for (std::size_t i = 0; i + 1 < h.size(); i += 2)
            out.push_back(static_cast<char>(std::stoi(h.substr(i, 2), nullptr, 16)));
        return out;
    }
    std::size_t n = 0;
    unsigned byte = 0;
    const std::string d = e["input_description"].str();
    if (std::sscanf(d.c_str(), "%zu bytes of 0x%x", &n, &byte) != 2) FAIL("unrecognised input_description: " << d);
    return std::string(n, static_cast<char>(byte));
}

// The checks of an S3 CRC's public API against its vector file. `Api` gathers the CRC's
// functions: reg, stream, of, update, combine, base64, from_base64, kernels, header.
template <class Api>
void check_single_vectors(const json& doc) {
    using reg = typename Api::reg;
    const auto& singles = doc["single"].items();
    REQUIRE(singles.size() >= 5);
    for (const auto& e : singles) {
        const std::string in = crc_vector_input(e);
        const reg want = static_cast<reg>(std::stoull(e["crc_hex"].str(), nullptr, 16));
        INFO("input of length " << in.size() << ": " << (in.size() < 100 ? in : std::string("(long)")));
        CHECK(in.size() == e["length"].u64());
        CHECK(Api::of(in) == want);
        CHECK(typename Api::stream{}.update(in).value() == want);
        CHECK(Api::update(Api::update(0, in.data(), in.size() / 3), in.data() + in.size() / 3,
                          in.size() - in.size() / 3) == want);
        for (auto k : Api::kernels()) {
            INFO("kernel " << k.name);
            CHECK(reg(~k.fn(reg(~reg(0)), reinterpret_cast<const unsigned char*>(in.data()), in.size())) == want);
        }
        // The wire form, both ways.
        CHECK(Api::base64(want) == e["crc_base64"].str());
        auto back = Api::from_base64(e["crc_base64"].str());
        REQUIRE(back);
        CHECK(*back == want);
    }
}

template <class Api>
void check_combine_vectors(const json& doc) {
    using reg = typename Api::reg;
    auto hex = [](const json& v) { return static_cast<reg>(std::stoull(v.str(), nullptr, 16)); };
    int checked = 0;
    for (const auto& e : doc["combine"].items()) {
        INFO(e["description"].str());
        if (e.contains("zeros_length")) {
            CHECK(crc_of_zeros<reg>(e["zeros_length"].u64(), Api::of_bytes, Api::combine) == hex(e["expected_hex"]));
        } else {
            CHECK(Api::combine(hex(e["crc1_hex"]), hex(e["crc2_hex"]), e["len2"].u64()) == hex(e["expected_hex"]));
        }
        ++checked;
    }
    CHECK(checked >= 3);
}

// update() continues a finished CRC at every split, and combine() joins random parts.
template <class Api>
void check_update_and_combine() {
    using reg = typename Api::reg;
    const auto buf = crc_random_bytes(1200, 64);
    const reg whole = Api::of_bytes(buf.data(), buf.size());
    for (std::size_t i = 0; i <= buf.size(); ++i) {
        INFO("split " << i);
        REQUIRE(Api::update(Api::update(0, buf.data(), i), buf.data() + i, buf.size() - i) == whole);
        REQUIRE(Api::combine(Api::of_bytes(buf.data(), i), Api::of_bytes(buf.data() + i, buf.size() - i),
                             buf.size() - i) == whole);
    }
    typename Api::stream c;
    for (std::size_t i = 0; i < buf.size(); i += 7) c.update(buf.data() + i, std::min<std::size_t>(7, buf.size() - i));
    CHECK(c.value() == whole);
    CHECK(typename Api::stream(Api::of_bytes(buf.data(), 500)).update(buf.data() + 500, 700).value() == whole);
    c.reset();
    CHECK(c.value() == 0);
    CHECK(Api::update(whole, nullptr, 0) == whole);
    CHECK(Api::combine(whole, 0, 0) == whole);

    std::mt19937 rng(182);
    const auto big = crc_random_bytes(300000, 1982);
    for (int it = 0; it < 100; ++it) {
        const std::size_t a = rng() % 150000, b = rng() % 150000;
        INFO("len(a) " << a << ", len(b) " << b);
        REQUIRE(Api::combine(Api::of_bytes(big.data(), a), Api::of_bytes(big.data() + a, b), b) ==
                Api::of_bytes(big.data(), a + b));
    }
}

// from_base64 takes only strict base64 of exactly sizeof(reg) bytes, and says what it got.
template <class Api>
void check_wire_errors() {
    using reg = typename Api::reg;
    const std::string short_one = ossmp::base64_encode(std::string(sizeof(reg) - 1, 'x'));
    const std::string long_one = ossmp::base64_encode(std::string(sizeof(reg) + 1, 'x'));
    for (const std::string& bad : {short_one, long_one, std::string(), std::string("!!!!!!!!"),
                                  Api::base64(0x1234).substr(1), Api::base64(0x1234) + " "}) {
        INFO("value '" << bad << "'");
        auto r = Api::from_base64(bad);
        REQUIRE(!r);
        CHECK(r.error().code == ossmp::errc::invalid_encoding);
        CHECK(r.error().message.find(Api::header) != std::string::npos);
        CHECK(r.error().message.find("'" + bad + "'") != std::string::npos);
    }
    CHECK(*Api::from_base64(Api::base64(0)) == 0);
    CHECK(*Api::from_base64(Api::base64(reg(~reg(0)))) == reg(~reg(0)));
}

}  // namespace ossmp_test
