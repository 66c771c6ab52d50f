#include <catch2/catch.hpp>

#include <ossmp/crypto/hex.hpp>
#include <ossmp/crypto/md5.hpp>

#include <array>
#include <random>
#include <string>
#include <vector>

using namespace ossmp;

TEST_CASE("hex_encode writes two digits per byte in the chosen case", "[hex]") {
    CHECK(hex_encode("") == "");
    CHECK(hex_encode(std::string_view("\x00\x01\x7f\x80\xfe\xff", 6)) == "00017f80feff");
    CHECK(hex_encode(std::string_view("\x00\x01\x7f\x80\xfe\xff", 6), hex_case::upper) == "00017F80FEFF");
    CHECK(hex_encode("abc") == "616263");
    // Digests: lower case for V4 signatures, upper case for ETags.
    CHECK(hex_encode(md5::hash("abc")) == "900150983cd24fb0d6963f7d28e17f72");
    CHECK(hex_encode(md5::hash("abc"), hex_case::upper) == "900150983CD24FB0D6963F7D28E17F72");
    std::array<unsigned char, 3> a{0xde, 0xad, 0xbe};
    CHECK(hex_encode(a) == "deadbe");
    std::vector<unsigned char> v{0x0a, 0xb0};
    CHECK(hex_encode(v, hex_case::upper) == "0AB0");
}

TEST_CASE("hex_decode accepts either case", "[hex]") {
    CHECK(hex_decode("").value() == "");
    CHECK(hex_decode("616263").value() == "abc");
    CHECK(hex_decode("00017f80FEff").value() == std::string("\x00\x01\x7f\x80\xfe\xff", 6));
}

TEST_CASE("hex_decode rejects odd lengths and non-hex characters", "[hex]") {
    for (const char* s : {"0", "abc", "0g", "g0", " 0", "0x12", "12 ", "1-", "\xc3\xa9"}) {
        INFO('"' << s << '"');
        auto r = hex_decode(s);
        REQUIRE_FALSE(r);
        CHECK(r.error().code == errc::invalid_encoding);
    }
    auto r = hex_decode("00zz");
    REQUIRE_FALSE(r);
    CHECK(r.error().message.find("offset 2") != std::string::npos);
    auto lo = hex_decode("000z");
    REQUIRE_FALSE(lo);
    CHECK(lo.error().message.find("offset 3") != std::string::npos);
}

TEST_CASE("hex round-trips random bytes", "[hex]") {
    std::mt19937 rng(16);
    for (std::size_t n = 0; n < 100; ++n) {
        std::string s(n, '\0');
        for (auto& c : s) c = static_cast<char>(rng());
        CHECK(hex_decode(hex_encode(s)).value() == s);
        CHECK(hex_decode(hex_encode(s, hex_case::upper)).value() == s);
    }
}

TEST_CASE("hex of a 64-bit value: 16 lower-case digits, most significant first", "[hex]") {
    CHECK(hex_u64(0) == "0000000000000000");
    CHECK(hex_u64(0xff) == "00000000000000ff");
    CHECK(hex_u64(0x0123456789abcdefull) == "0123456789abcdef");
    CHECK(hex_u64(~0ull) == "ffffffffffffffff");
}
