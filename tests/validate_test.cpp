#include <catch2/catch.hpp>

#include <ossmp/credentials.hpp>
#include <ossmp/validate.hpp>

using namespace ossmp;

TEST_CASE("bucket names follow the OSS rules", "[validate]") {
    for (auto good : {std::string("abc"), std::string("my-bucket-01"), std::string("0123456789"), std::string(63, 'a')}) {
        INFO(good);
        CHECK(validate_bucket_name(good));
    }
    struct bad_case { std::string name; std::string fragment; };
    for (const auto& [name, fragment] : std::vector<bad_case>{
             {"ab", "3 to 63"}, {std::string(64, 'a'), "3 to 63"}, {"My-Bucket", "lower-case"},
             {"my_bucket", "lower-case"}, {"-bucket", "start or end"}, {"bucket-", "start or end"},
             {"b.c.d", "lower-case"}, {"", "3 to 63"}}) {
        INFO(name);
        auto r = validate_bucket_name(name);
        REQUIRE_FALSE(r);
        CHECK(r.error().code == errc::invalid_bucket_name);
        CHECK(r.error().message.find(fragment) != std::string::npos);
    }
}

TEST_CASE("object keys are 1..1023 bytes of UTF-8 not starting with a slash", "[validate]") {
    for (auto good : {"a", "dir/sub/file.txt", "spaces and + and % and ~", "\xe4\xb8\xad\xe6\x96\x87/\xf0\x9f\x98\x80",
                      "a//b", "../x", "gp-\x0c\x0a\x0b"}) {
        INFO(good);
        CHECK(validate_object_key(good));
    }
    CHECK(validate_object_key(std::string(1023, 'k')));
    for (auto bad : {std::string(), std::string(1024, 'k'), std::string("/abs"), std::string("\\win"),
                     std::string("a\0b", 3), std::string("\xff\xfe"), std::string("\xc0\xaf"),  // overlong '/'
                     std::string("\xed\xa0\x80"),                                                // surrogate
                     std::string("\xf4\x90\x80\x80"), std::string("trunc\xe4\xb8")}) {
        INFO(bad);
        auto r = validate_object_key(bad);
        REQUIRE_FALSE(r);
        CHECK(r.error().code == errc::invalid_object_key);
        CHECK(r.error().what().find('\n') == std::string::npos);
    }
}

TEST_CASE("header values cannot carry CR, LF or NUL", "[validate]") {
    CHECK(validate_header("x-oss-meta-a", "plain value"));
    CHECK(validate_header("x-oss-meta-a", "caf\xc3\xa9"));
    CHECK_FALSE(validate_header("x-oss-meta-a", "a\r\nInjected: yes"));
    CHECK_FALSE(validate_header("x-oss-meta-a", "a\nb"));
    CHECK_FALSE(validate_header("x-oss-meta-a", "a\rb"));
    CHECK_FALSE(validate_header("x-oss-meta-a", std::string("a\0b", 3)));
    auto r = validate_header("x-oss-meta-a", "evil\r\nx: y");
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::invalid_header_value);
    CHECK(r.error().message.find("\\x0D\\x0A") != std::string::npos);
    CHECK_FALSE(validate_header("bad name", "v"));
    CHECK_FALSE(validate_header("", "v"));
    CHECK_FALSE(validate_header("x:y", "v"));
}

TEST_CASE("credential errors name the field, never the value", "[validate]") {
    CHECK(validate_credentials({"ak", "sk", ""}));
    CHECK(validate_credentials({"ak", "sk", "token"}));
    auto e = validate_credentials({"ak", "", ""});
    REQUIRE_FALSE(e);
    CHECK(e.error().code == errc::invalid_credentials);
    auto s = validate_credentials({"ak", "super\tsecret", ""});
    REQUIRE_FALSE(s);
    CHECK(s.error().what().find("super") == std::string::npos);
    CHECK(validate_credentials({"ak", "sk", "attachment; /file/name==example.txt++"}));
    CHECK_FALSE(validate_credentials({"a k", "sk", ""}));
    CHECK_FALSE(validate_credentials({"", "sk", ""}));
    CHECK_FALSE(validate_credentials({"ak", "sk", "tok\nen"}));
}

TEST_CASE("is_valid_utf8", "[validate]") {
    CHECK(is_valid_utf8(""));
    CHECK(is_valid_utf8("ascii"));
    CHECK(is_valid_utf8("\xf0\x9f\x98\x80"));
    CHECK_FALSE(is_valid_utf8("\x80"));
    CHECK_FALSE(is_valid_utf8("\xe0\x80\x80"));
}
