#include <catch2/catch.hpp>

#include <ossmp/crypto/hex.hpp>
#include <ossmp/crypto/md5.hpp>

#include <cstring>
#include <random>
#include <string>
#include <vector>

using namespace ossmp;

namespace {

std::string md5_hex(std::string_view s) { return hex_encode(md5::hash(s)); }

// RFC 1321 appendix A.5, the reference implementation's test suite.
const std::pair<const char*, const char*> rfc1321_suite[] = {
    {"", "d41d8cd98f00b204e9800998ecf8427e"},
    {"a", "0cc175b9c0f1b6a831c399e269772661"},
    {"abc", "900150983cd24fb0d6963f7d28e17f72"},
    {"message digest", "f96b697d7cb7938d525a2f31aaf161d0"},
    {"abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"},
    {"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "d174ab98d277d9f5a5611c2c9f419d9f"},
    {"12345678901234567890123456789012345678901234567890123456789012345678901234567890",
     "57edf4a22be3c955ac49da2e2107b67a"},
};

}  // namespace

TEST_CASE("md5 matches the RFC 1321 test suite", "[md5]") {
    for (auto [in, want] : rfc1321_suite) {
        INFO(in);
        CHECK(md5_hex(in) == want);
    }
}

TEST_CASE("md5 of a million 'a' and of lengths around the padding boundary", "[md5]") {
    CHECK(md5_hex(std::string(1000000, 'a')) == "7707d6ae4e027c70eea2a935c2296f21");
    // 55 bytes is the longest message whose length still fits in its last block; 56..63
    // need an extra block of padding. Values from Python's hashlib.
    CHECK(md5_hex(std::string(55, 'a')) == "ef1772b6dff9a122358552954ad0df65");
    CHECK(md5_hex(std::string(56, 'a')) == "3b0c8ac703f828b04c6c197006d17218");
    CHECK(md5_hex(std::string(63, 'a')) == "b06521f39153d618550606be297466d5");
    CHECK(md5_hex(std::string(64, 'a')) == "014842d480b571495a4a0363793f7367");
}

TEST_CASE("md5 streaming gives the one-shot digest for every split", "[md5]") {
    std::mt19937 rng(1321);
    std::string msg(300, '\0');
    for (auto& c : msg) c = static_cast<char>(rng());
    const auto want = md5::hash(msg);
    md5 h;
    for (std::size_t i = 0; i <= msg.size(); ++i) {
        for (std::size_t j = i; j <= msg.size(); j += 37) {
            h.update(msg.substr(0, i)).update(msg.substr(i, j - i)).update(msg.substr(j));
            INFO("split at " << i << " and " << j);
            REQUIRE(h.final() == want);
        }
    }
    // Byte at a time.
    for (char c : msg) h.update(&c, 1);
    CHECK(h.final() == want);
}

TEST_CASE("md5 final resets; reset discards", "[md5]") {
    md5 h;
    h.update("garbage");
    h.reset();
    h.update("abc");
    CHECK(hex_encode(h.final()) == "900150983cd24fb0d6963f7d28e17f72");
    // After final() the object starts a new message.
    h.update("abc");
    CHECK(hex_encode(h.final()) == "900150983cd24fb0d6963f7d28e17f72");
    CHECK(hex_encode(h.final()) == "d41d8cd98f00b204e9800998ecf8427e");
}

TEST_CASE("md5 does not depend on the buffer's alignment", "[md5]") {
    std::vector<unsigned char> buf(4096 + 64);
    std::mt19937 rng(7);
    for (auto& b : buf) b = static_cast<unsigned char>(rng());
    const std::vector<unsigned char> ref(buf.begin(), buf.begin() + 4096);
    const auto want = md5::hash(ref.data(), ref.size());
    for (std::size_t off = 0; off < 64; ++off) {
        std::memmove(buf.data() + off, ref.data(), ref.size());
        INFO("offset " << off);
        CHECK(md5::hash(buf.data() + off, ref.size()) == want);
    }
}
