#include <catch2/catch.hpp>

#include <ossmp/upload/checkpoint.hpp>

#include <string>

using namespace ossmp;

namespace {
checkpoint sample() {
    checkpoint c;
    c.endpoint = "https://oss-cn-hangzhou.aliyuncs.com";
    c.bucket = "examplebucket";
    c.key = "dir/big file+\xe4\xb8\xad.bin\n";
    c.upload_id = "0004B9894A22E5B1888A1E29F823****";
    c.part_size = 8388608;
    c.source = {1073741824ull, 1732450000123456789, "crc64s:00ff"};
    c.parts = {{1, 8388608, 12066172435287683848ull, "\"A1\""}, {3, 8388608, 5, "\"C3\""}};
    return c;
}
std::string replace_line(std::string text, const std::string& from, const std::string& to) {
    auto p = text.find(from);
    REQUIRE(p != std::string::npos);
    return text.replace(p, from.size(), to);
}
}  // namespace

TEST_CASE("a checkpoint survives text and back, byte for byte", "[checkpoint]") {
    auto c = sample();
    auto text = to_text(c);
    auto back = parse_checkpoint(text);
    REQUIRE(back);
    CHECK(*back == c);
    CHECK(to_text(*back) == text);
    CHECK(text.find("ossmp-checkpoint 1\n") != std::string::npos);
    CHECK(text.find("key dir%2Fbig%20file%2B%E4%B8%AD.bin%0A\n") != std::string::npos);
    CHECK(text.find("part 1 8388608 12066172435287683848 %22A1%22\n") != std::string::npos);
    auto unknown = sample();
    unknown.source.size.reset();
    unknown.source.fingerprint.clear();
    CHECK(parse_checkpoint(to_text(unknown)).value() == unknown);
}

TEST_CASE("corrupt, foreign or future checkpoints are refused with the line", "[checkpoint]") {
    auto text = to_text(sample());
    auto expect_bad = [](const std::string& t, const std::string& fragment) {
        auto r = parse_checkpoint(t);
        INFO(t);
        REQUIRE_FALSE(r);
        CHECK(r.error().code == errc::checkpoint_invalid);
        CHECK(r.error().message.find(fragment) != std::string::npos);
    };
    expect_bad(replace_line(text, "part-size 8388608", "part-size 8388609"), "checksum mismatch");
    expect_bad(replace_line(text, "ossmp-checkpoint 1", "ossmp-checkpoint 2"), "version 2 is not supported");
    expect_bad(text.substr(0, text.size() - 1), "truncated");
    expect_bad(text.substr(0, text.find("end ")), "no end line");
    expect_bad(text + "part 9 1 1 x\n", "after the end");
    expect_bad("", "empty");
    expect_bad("{\"Magic\": \"92611BED\"}\n", "not an ossmp checkpoint");
    // Structural errors are reported even with a recomputed checksum.
    auto resum = [](std::string body) {
        char end[32];
        std::snprintf(end, sizeof end, "end %016llx\n", static_cast<unsigned long long>(crc64_of(body)));
        return body + end;
    };
    auto body = text.substr(0, text.find("end "));
    expect_bad(resum(body + "part 2 1 1 %22x%22\n"), "ascending");
    expect_bad(resum(body + "colour blue\n"), "unknown field");
    expect_bad(resum(replace_line(body, "bucket examplebucket\n", "")), "missing");
    expect_bad(resum(body + "bucket other\n"), "repeated");
    expect_bad(resum(replace_line(body, "part-size 8388608", "part-size -1")), "part-size");
    expect_bad(resum(replace_line(body, "part 3 8388608 5 %22C3%22", "part 10001 1 5 %22C3%22")), "malformed part");
    expect_bad(resum(replace_line(body, "upload-id ", "upload-id  ")), "empty field");
}

TEST_CASE("checkpoints never hold secrets", "[checkpoint]") {
    auto text = to_text(sample());
    for (auto word : {"secret", "token", "Authorization", "Signature"}) CHECK(text.find(word) == std::string::npos);
}
