#include <catch2/catch.hpp>

#include <ossmp/crypto/base64.hpp>
#include <ossmp/crypto/md5.hpp>

#include <array>
#include <random>
#include <string>
#include <vector>

using namespace ossmp;

TEST_CASE("base64_encode matches RFC 4648 section 10", "[base64]") {
    CHECK(base64_encode("") == "");
    CHECK(base64_encode("f") == "Zg==");
    CHECK(base64_encode("fo") == "Zm8=");
    CHECK(base64_encode("foo") == "Zm9v");
    CHECK(base64_encode("foob") == "Zm9vYg==");
    CHECK(base64_encode("fooba") == "Zm9vYmE=");
    CHECK(base64_encode("foobar") == "Zm9vYmFy");
}

TEST_CASE("base64 uses the standard alphabet for every byte value", "[base64]") {
    CHECK(base64_encode(std::string_view("\xfb\xff\xbf", 3)) == "+/+/");
    CHECK(base64_encode(std::string_view("\0\0\0", 3)) == "AAAA");
    CHECK(base64_encode(std::string_view("\xff\xff\xff", 3)) == "////");
    // Content-MD5 of an empty body, as OSS documents it.
    CHECK(base64_encode(md5::hash("")) == "1B2M2Y8AsgTpgAmY7PhCfg==");
    std::array<unsigned char, 2> bytes{0x14, 0xfb};
    CHECK(base64_encode(bytes) == "FPs=");
    std::vector<unsigned char> v{'M', 'a', 'n'};
    CHECK(base64_encode(v) == "TWFu");
}

TEST_CASE("base64_decode inverts RFC 4648 vectors", "[base64]") {
    CHECK(base64_decode("").value() == "");
    CHECK(base64_decode("Zg==").value() == "f");
    CHECK(base64_decode("Zm8=").value() == "fo");
    CHECK(base64_decode("Zm9v").value() == "foo");
    CHECK(base64_decode("Zm9vYg==").value() == "foob");
    CHECK(base64_decode("Zm9vYmE=").value() == "fooba");
    CHECK(base64_decode("Zm9vYmFy").value() == "foobar");
    CHECK(base64_decode("+/+/").value() == std::string("\xfb\xff\xbf", 3));
}

TEST_CASE("base64_decode is strict", "[base64]") {
    const char* bad[] = {
        "Zg",          // length not a multiple of 4
        "Zg=",         // ditto
        "Zm9vY",       // ditto
        "Zg==Zg==",    // padding before the end
        "Zm=v",        // '=' inside the last quantum
        "Zg=a",        // data after '='
        "Z===",        // a single character cannot carry a byte
        "====",        // padding only
        "Zh==",        // non-zero unused bits (Zg== is canonical)
        "Zm9=",        // ditto (Zm8= is canonical)
        "Zm9v\n",      // whitespace (and length)
        "Zm 9",        // whitespace
        "Zm9-",        // URL-safe alphabet
        "Zm9_",        // ditto
        "Zm\xc3\xa9",  // non-ASCII
    };
    for (const char* s : bad) {
        INFO('"' << s << '"');
        auto r = base64_decode(s);
        REQUIRE_FALSE(r);
        CHECK(r.error().code == errc::invalid_encoding);
    }
    auto nul = base64_decode(std::string_view("Zm9\0", 4));
    REQUIRE_FALSE(nul);
    CHECK(nul.error().code == errc::invalid_encoding);
    auto r = base64_decode("Zm9vYm!y");
    REQUIRE_FALSE(r);
    CHECK(r.error().message.find("offset 6") != std::string::npos);
}

TEST_CASE("base64 round-trips random bytes of every length", "[base64]") {
    std::mt19937 rng(4648);
    for (std::size_t n = 0; n < 200; ++n) {
        std::string s(n, '\0');
        for (auto& c : s) c = static_cast<char>(rng());
        const std::string e = base64_encode(s);
        CHECK(e.size() == (n + 2) / 3 * 4);
        auto d = base64_decode(e);
        REQUIRE(d);
        CHECK(*d == s);
    }
}
