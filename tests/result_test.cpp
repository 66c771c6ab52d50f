#include <catch2/catch.hpp>

#include <ossmp/error.hpp>
#include <ossmp/result.hpp>

#include <memory>
#include <string>

using namespace ossmp;

TEST_CASE("result holds a value or an error", "[result]") {
    result<int> ok_r = 42;
    REQUIRE(ok_r);
    REQUIRE(ok_r.has_value());
    CHECK(*ok_r == 42);
    CHECK(ok_r.value_or(7) == 42);

    result<int> bad = make_error(errc::invalid_argument, "part size must be positive");
    REQUIRE_FALSE(bad);
    CHECK(bad.error().code == errc::invalid_argument);
    CHECK(bad.error().message == "part size must be positive");
    CHECK(bad.value_or(7) == 7);
}

TEST_CASE("result works with move-only values", "[result]") {
    result<std::unique_ptr<int>> r = std::make_unique<int>(5);
    REQUIRE(r);
    auto p = std::move(r).value();
    CHECK(*p == 5);
}

TEST_CASE("result<void>", "[result]") {
    result<void> good = ok();
    CHECK(good);
    result<void> bad = make_error(errc::cancelled, "stopped by caller");
    REQUIRE_FALSE(bad);
    CHECK(bad.error().code == errc::cancelled);
}

TEST_CASE("error::what renders the whole context on one line", "[error]") {
    error e;
    e.code = errc::service_error;
    e.op = operation::upload_part;
    e.part_number = 3;
    e.http_status = 404;
    e.oss_code = "NoSuchUpload";
    e.message = "The specified upload does not exist.";
    e.request_id = "5C3D9175B6FC201293AD4890";
    e.ec = "0042-00000002";
    CHECK(e.what() ==
          "UploadPart part 3: NoSuchUpload: The specified upload does not exist. "
          "(HTTP 404, request id 5C3D9175B6FC201293AD4890, EC 0042-00000002)");

    auto local = make_error(errc::invalid_bucket_name, "'Ab' is too short");
    CHECK(local.what() == "invalid bucket name: 'Ab' is too short");
    CHECK(local.what().find('\n') == std::string::npos);
}

TEST_CASE("error details are looked up by name", "[error]") {
    error e;
    e.details = {{"ServerTime", "2024-01-01T00:00:00.000Z"}, {"ArgumentName", "x"}};
    CHECK(e.detail("ServerTime") == "2024-01-01T00:00:00.000Z");
    CHECK(e.detail("Missing").empty());
}

TEST_CASE("errc bands and std::error_code interop", "[error]") {
    CHECK(band(errc::invalid_part_size) == 100);
    CHECK(band(errc::xml_syntax) == 200);
    CHECK(band(errc::no_such_upload) == 300);
    CHECK(band(errc::transport_reset) == 400);
    CHECK(band(errc::crc_mismatch) == 500);
    CHECK(band(errc::retries_exhausted) == 600);
    CHECK(band(errc::checkpoint_invalid) == 700);
    std::error_code ec = errc::crc_mismatch;
    CHECK(ec.category().name() == std::string("ossmp"));
    CHECK(ec.message() == "CRC-64 mismatch");
    CHECK(to_string(operation::complete_multipart_upload) == "CompleteMultipartUpload");
}
