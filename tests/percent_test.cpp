#include <catch2/catch.hpp>

#include <ossmp/percent.hpp>
#include <ossmp/query.hpp>

#include <random>

using namespace ossmp;

TEST_CASE("percent_encode keeps only the unreserved set", "[percent]") {
    CHECK(percent_encode("AZaz09-._~") == "AZaz09-._~");
    CHECK(percent_encode("a b") == "a%20b");
    CHECK(percent_encode("a+b") == "a%2Bb");
    CHECK(percent_encode("a/b") == "a%2Fb");
    CHECK(percent_encode("a/b", encode_mode::path) == "a/b");
    CHECK(percent_encode("100%") == "100%25");
    CHECK(percent_encode("=&?#") == "%3D%26%3F%23");
    CHECK(percent_encode("\xe4\xb8\xad") == "%E4%B8%AD");  // U+4E2D
    CHECK(percent_encode(std::string_view("\0\n", 2)) == "%00%0A");
    CHECK(percent_encode("1234+-/123/1.txt", encode_mode::path) == "1234%2B-/123/1.txt");
}

TEST_CASE("percent_decode inverts the encoder and rejects bad escapes", "[percent]") {
    CHECK(percent_decode("demo%2Fgp-%0C%0A%0B").value() == "demo/gp-\f\n\v");
    CHECK(percent_decode("a+b").value() == "a+b");
    CHECK(percent_decode("a+b", true).value() == "a b");
    CHECK(percent_decode("%e4%B8%ad").value() == "\xe4\xb8\xad");
    for (auto bad : {"%", "%2", "%G0", "ab%0", "%%"}) {
        auto r = percent_decode(bad);
        INFO(bad);
        REQUIRE_FALSE(r);
        CHECK(r.error().code == errc::invalid_encoding);
    }
}

TEST_CASE("encode then decode is the identity for any bytes", "[percent]") {
    std::mt19937 rng(1234);
    for (int i = 0; i < 2000; ++i) {
        std::string s(rng() % 40, '\0');
        for (auto& c : s) c = static_cast<char>(rng() & 0xff);
        for (auto mode : {encode_mode::component, encode_mode::path}) {
            auto e = percent_encode(s, mode);
            for (char c : e) CHECK(c != ' ');
            CHECK(percent_decode(e).value() == s);
        }
    }
}

TEST_CASE("encode_query sorts by encoded name and drops '=' for empty values", "[query]") {
    query_params q = {{"param1", "value1"}, {"+param1", "value3"}, {"|param1", "value4"},
                      {"+param2", ""},      {"|param2", ""},       {"param2", ""}};
    CHECK(encode_query(q) ==
          "%2Bparam1=value3&%2Bparam2&%7Cparam1=value4&%7Cparam2&param1=value1&param2");
    CHECK(encode_query({{"uploads", ""}, {"encoding-type", "url"}}) == "encoding-type=url&uploads");
    CHECK(encode_query({}).empty());
    query_params p;
    set_param(p, "uploadId", "a b");
    set_param(p, "uploadId", "c+d");
    REQUIRE(p.size() == 1);
    CHECK(find_param(p, "uploadId")->value == "c+d");
    CHECK(find_param(p, "uploadid") == nullptr);
    CHECK(encode_query(p) == "uploadId=c%2Bd");
}
