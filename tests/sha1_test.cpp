#include <catch2/catch.hpp>

#include <ossmp/crypto/hex.hpp>
#include <ossmp/crypto/sha1.hpp>

#include <cstring>
#include <random>
#include <string>
#include <vector>

using namespace ossmp;

namespace {

std::string sha1_hex(std::string_view s) { return hex_encode(sha1::hash(s)); }

// FIPS 180 / NIST CSRC examples ("SHA1.pdf": one and two blocks) and the longer NIST
// messages (896 bits, one million 'a').
const std::pair<std::string, const char*> nist_vectors[] = {
    {"abc", "a9993e364706816aba3e25717850c26c9cd0d89d"},
    {"", "da39a3ee5e6b4b0d3255bfef95601890afd80709"},
    {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "84983e441c3bd26ebaae4aa1f95129e5e54670f1"},
    {"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrs"
     "tnopqrstu",
     "a49b2446a02c645bf419f995b67091253a04a259"},
    {std::string(1000000, 'a'), "34aa973cd4c4daa4f61eeb2bdbad27316534016f"},
    // Around the padding boundary (55 fits one block, 56..64 need two); from Python's hashlib.
    {std::string(55, 'a'), "c1c8bbdc22796e28c0e15163d20899b65621d65a"},
    {std::string(56, 'a'), "c2db330f6083854c99d4b5bfb6e8f29f201be699"},
    {std::string(63, 'a'), "03f09f5b158a7a8cdad920bddc29b81c18a551f5"},
    {std::string(64, 'a'), "0098ba824b5c16427bd7a1122a5a442a25ec644d"},
};

constexpr std::uint32_t sha1_iv[5] = {0x67452301u, 0xefcdab89u, 0x98badcfeu, 0x10325476u, 0xc3d2e1f0u};

// SHA-1 straight through one block function, padding done here, so every kernel can be
// checked against the NIST values on its own (the class only ever uses the fastest).
std::string sha1_hex_with(detail::sha1_kernel_fn fn, std::string_view msg) {
    std::vector<unsigned char> m(msg.begin(), msg.end());
    const std::uint64_t bits = std::uint64_t(msg.size()) * 8;
    m.push_back(0x80);
    while (m.size() % 64 != 56) m.push_back(0);
    for (int i = 7; i >= 0; --i) m.push_back(static_cast<unsigned char>(bits >> (8 * i)));
    std::uint32_t s[5];
    std::memcpy(s, sha1_iv, sizeof s);
    fn(s, m.data(), m.size() / 64);
    unsigned char d[20];
    for (int i = 0; i < 5; ++i)
        for (int j = 0; j < 4; ++j) d[4 * i + j] = static_cast<unsigned char>(s[i] >> (24 - 8 * j));
    return hex_encode(d, sizeof d);
}

}  // namespace

TEST_CASE("sha1 matches the FIPS 180 / NIST examples", "[sha1]") {
    for (const auto& [in, want] : nist_vectors) {
        INFO("length " << in.size());
        CHECK(sha1_hex(in) == want);
    }
}

TEST_CASE("every sha1 kernel matches the NIST examples on its own", "[sha1]") {
    auto kernels = detail::sha1_kernels();
    REQUIRE(kernels.size() >= 1);
    CHECK(std::string(kernels[0].name) == "portable");
#if defined(__x86_64__) || defined(__i386__)
    // The dispatcher must offer SHA-NI wherever the CPU has it.
    CHECK(kernels.size() == (detail::cpu().sha ? 2u : 1u));
#endif
    for (auto k : kernels) {
        for (const auto& [in, want] : nist_vectors) {
            INFO(k.name << ", length " << in.size());
            CHECK(sha1_hex_with(k.fn, in) == want);
        }
    }
}

TEST_CASE("every sha1 kernel equals the portable one on random blocks and states", "[sha1]") {
    std::mt19937 rng(160);
    std::vector<unsigned char> buf(64 * 40 + 16);
    for (auto& b : buf) b = static_cast<unsigned char>(rng());
    for (auto k : detail::sha1_kernels()) {
        for (int it = 0; it < 300; ++it) {
            std::uint32_t want[5], got[5];
            for (auto& w : want) w = rng();
            std::memcpy(got, want, sizeof got);
            const std::size_t blocks = rng() % 41, off = rng() % 16;
            detail::sha1_compress_portable(want, buf.data() + off, blocks);
            k.fn(got, buf.data() + off, blocks);
            INFO(k.name << ": " << blocks << " blocks at offset " << off);
            REQUIRE(std::memcmp(want, got, sizeof want) == 0);
        }
    }
}

TEST_CASE("sha1 streaming gives the one-shot digest for every split", "[sha1]") {
    std::mt19937 rng(180);
    std::string msg(300, '\0');
    for (auto& c : msg) c = static_cast<char>(rng());
    const auto want = sha1::hash(msg);
    sha1 h;
    for (std::size_t i = 0; i <= msg.size(); ++i) {
        for (std::size_t j = i; j <= msg.size(); j += 37) {
            h.update(msg.substr(0, i)).update(msg.substr(i, j - i)).update(msg.substr(j));
            INFO("split at " << i << " and " << j);
            REQUIRE(h.final() == want);
        }
    }
    for (char c : msg) h.update(&c, 1);
    CHECK(h.final() == want);
    // The million-'a' message fed in uneven pieces.
    std::string a(1000000, 'a');
    for (std::size_t pos = 0, step = 1; pos < a.size(); pos += step, step = step * 3 % 1009 + 1)
        h.update(a.data() + pos, std::min(step, a.size() - pos));
    CHECK(hex_encode(h.final()) == "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
}

TEST_CASE("sha1 final resets; reset discards", "[sha1]") {
    sha1 h;
    h.update("garbage");
    h.reset();
    h.update("abc");
    CHECK(hex_encode(h.final()) == "a9993e364706816aba3e25717850c26c9cd0d89d");
    CHECK(hex_encode(h.final()) == "da39a3ee5e6b4b0d3255bfef95601890afd80709");
}
