#include <catch2/catch.hpp>

#include <ossmp/time.hpp>

using namespace ossmp;

TEST_CASE("dates are formatted as OSS writes them", "[time]") {
    auto t = from_unix_seconds(1672223261);  // Wed, 28 Dec 2022 10:27:41 GMT
    CHECK(format_http_date(t) == "Wed, 28 Dec 2022 10:27:41 GMT");
    CHECK(format_iso8601_basic(from_unix_seconds(1702743657)) == "20231216T162057Z");
    CHECK(format_iso8601(t + std::chrono::milliseconds(7)) == "2022-12-28T10:27:41.007Z");
    CHECK(format_http_date(from_unix_seconds(0)) == "Thu, 01 Jan 1970 00:00:00 GMT");
    CHECK(format_http_date(from_unix_seconds(951782400)) == "Tue, 29 Feb 2000 00:00:00 GMT");
}

TEST_CASE("dates parse back, and malformed dates are errors", "[time]") {
    CHECK(to_unix_seconds(parse_http_date("Wed, 28 Dec 2022 10:27:41 GMT").value()) == 1672223261);
    CHECK(to_unix_seconds(parse_iso8601("2023-12-16T16:20:57.000Z").value()) == 1702743657);
    CHECK(to_unix_seconds(parse_iso8601("2023-12-16T16:20:57Z").value()) == 1702743657);
    CHECK(to_unix_seconds(parse_iso8601("20231216T162057Z").value()) == 1702743657);
    CHECK(parse_iso8601("2012-02-23T07:01:34.5Z").value().time_since_epoch().count() % 1000 == 500);
    for (auto bad : {"", "2023-13-01T00:00:00Z", "2023-02-30T00:00:00Z", "2023-12-16 16:20:57Z",
                     "2023-12-16T16:20:57", "2023-12-16T16:20:57.Z", "20231216T162057"}) {
        INFO(bad);
        auto r = parse_iso8601(bad);
        REQUIRE_FALSE(r);
        CHECK(r.error().code == errc::invalid_field);
    }
    for (auto bad : {"Wed, 28 Dec 2022 10:27:41 UTC", "28 Dec 2022 10:27:41 GMT",
                     "Wed, 28 Foo 2022 10:27:41 GMT", "Wed, 32 Dec 2022 10:27:41 GMT"}) {
        INFO(bad);
        CHECK_FALSE(parse_http_date(bad));
    }
}
