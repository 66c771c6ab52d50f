#include <catch2/catch.hpp>

#include <ossmp/crypto/hex.hpp>
#include <ossmp/crypto/sha256.hpp>

#include <cstring>
#include <random>
#include <string>
#include <vector>

using namespace ossmp;

namespace {

std::string sha256_hex(std::string_view s) { return hex_encode(sha256::hash(s)); }

// FIPS 180-4 examples (NIST CSRC "SHA256.pdf", "SHA2_Additional.pdf") and the FIPS 180-2
// long messages.
const std::pair<std::string, const char*> nist_vectors[] = {
    {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
    {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
    {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
     "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
    {"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrs"
     "tnopqrstu",
     "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"},
    {std::string(1000000, 'a'), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"},
    // Around the padding boundary (55 fits one block, 56..64 need two); from Python's hashlib.
    {std::string(55, 'a'), "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"},
    {std::string(56, 'a'), "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"},
    {std::string(63, 'a'), "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34"},
    {std::string(64, 'a'), "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"},
};

constexpr std::uint32_t sha256_iv[8] = {0x6a09e667u, 0xbb67ae85u, 0x3c6ef372u, 0xa54ff53au,
                                        0x510e527fu, 0x9b05688cu, 0x1f83d9abu, 0x5be0cd19u};

// SHA-256 straight through one block function, padding done here, so every kernel can be
// checked against the NIST values on its own (the class only ever uses the fastest).
std::string sha256_hex_with(detail::sha256_kernel_fn fn, std::string_view msg) {
    std::vector<unsigned char> m(msg.begin(), msg.end());
    const std::uint64_t bits = std::uint64_t(msg.size()) * 8;
    m.push_back(0x80);
    while (m.size() % 64 != 56) m.push_back(0);
    for (int i = 7; i >= 0; --i) m.push_back(static_cast<unsigned char>(bits >> (8 * i)));
    std::uint32_t s[8];
    std::memcpy(s, sha256_iv, sizeof s);
    fn(s, m.data(), m.size() / 64);
    unsigned char d[32];
    for (int i = 0; i < 8; ++i)
        for (int j = 0; j < 4; ++j) d[4 * i + j] = static_cast<unsigned char>(s[i] >> (24 - 8 * j));
    return hex_encode(d, sizeof d);
}

}  // namespace

TEST_CASE("sha256 matches the FIPS 180 / NIST examples", "[sha256]") {
    for (const auto& [in, want] : nist_vectors) {
        INFO("length " << in.size());
        CHECK(sha256_hex(in) == want);
    }
}

TEST_CASE("every sha256 kernel matches the NIST examples on its own", "[sha256]") {
    auto kernels = detail::sha256_kernels();
    REQUIRE(kernels.size() >= 1);
    CHECK(std::string(kernels[0].name) == "portable");
#if defined(__x86_64__) || defined(__i386__)
    // The dispatcher must offer SHA-NI wherever the CPU has it.
    CHECK(kernels.size() == (detail::cpu().sha ? 2u : 1u));
#endif
    for (auto k : kernels) {
        for (const auto& [in, want] : nist_vectors) {
            INFO(k.name << ", length " << in.size());
            CHECK(sha256_hex_with(k.fn, in) == want);
        }
    }
}

TEST_CASE("every sha256 kernel equals the portable one on random blocks and states", "[sha256]") {
    std::mt19937 rng(256);
    std::vector<unsigned char> buf(64 * 40 + 16);
    for (auto& b : buf) b = static_cast<unsigned char>(rng());
    for (auto k : detail::sha256_kernels()) {
        for (int it = 0; it < 300; ++it) {
            std::uint32_t want[8], got[8];
            for (auto& w : want) w = rng();
            std::memcpy(got, want, sizeof got);
            const std::size_t blocks = rng() % 41, off = rng() % 16;
            detail::sha256_compress_portable(want, buf.data() + off, blocks);
            k.fn(got, buf.data() + off, blocks);
            INFO(k.name << ": " << blocks << " blocks at offset " << off);
            REQUIRE(std::memcmp(want, got, sizeof want) == 0);
        }
    }
}

TEST_CASE("sha256 streaming gives the one-shot digest for every split", "[sha256]") {
    std::mt19937 rng(180);
    std::string msg(300, '\0');
    for (auto& c : msg) c = static_cast<char>(rng());
    const auto want = sha256::hash(msg);
    sha256 h;
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
    CHECK(hex_encode(h.final()) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("sha256 final resets; reset discards", "[sha256]") {
    sha256 h;
    h.update("garbage");
    h.reset();
    h.update("abc");
    CHECK(hex_encode(h.final()) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(hex_encode(h.final()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}
