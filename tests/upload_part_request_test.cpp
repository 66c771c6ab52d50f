#include <catch2/catch.hpp>

#include <ossmp/requests/upload_part.hpp>
#include <ossmp/requests/upload_part_copy.hpp>

using namespace ossmp;

namespace {
endpoint hangzhou() { return parse_endpoint("https://oss-cn-hangzhou.aliyuncs.com").value(); }
}

TEST_CASE("upload part: target, body range and options", "[requests][upload_part]") {
    upload_part_options o;
    o.content_md5 = "1B2M2Y8AsgTpgAmY7PhCfg==";
    o.traffic_limit = 819200;
    auto r = make_upload_part_request(hangzhou(), "examplebucket", "a/b c", "0004B9895DBBB6EC9", 10000,
                                      {5 * 1024 * 1024, 102400}, o)
                 .value();
    CHECK(r.op == operation::upload_part);
    CHECK(r.part_number == 10000);
    CHECK(r.method == "PUT");
    CHECK(r.target() == "/a/b%20c?partNumber=10000&uploadId=0004B9895DBBB6EC9");
    CHECK(r.source == body_range{5 * 1024 * 1024, 102400});
    CHECK(r.content_length() == 102400);
    CHECK(r.headers.get("Content-MD5") == "1B2M2Y8AsgTpgAmY7PhCfg==");
    CHECK(r.headers.get("x-oss-traffic-limit") == "819200");
}

TEST_CASE("upload part: upload ids are encoded by the one encoder", "[requests][upload_part]") {
    auto r = make_upload_part_request(hangzhou(), "examplebucket", "k", "D4E111D4EA834F3ABCE4877B2779****", 1, {0, 1})
                 .value();
    CHECK(r.target() == "/k?partNumber=1&uploadId=D4E111D4EA834F3ABCE4877B2779%2A%2A%2A%2A");
}

TEST_CASE("upload part: limits", "[requests][upload_part]") {
    auto ep = hangzhou();
    CHECK(make_upload_part_request(ep, "examplebucket", "k", "U", 0, {0, 1}).error().code == errc::invalid_part_number);
    auto e = make_upload_part_request(ep, "examplebucket", "k", "U", 10001, {0, 1}).error();
    CHECK(e.code == errc::invalid_part_number);
    CHECK(e.part_number == 10001);
    CHECK(make_upload_part_request(ep, "examplebucket", "k", "U", 1, {0, max_part_size + 1}).error().code ==
          errc::invalid_part_size);
    CHECK(make_upload_part_request(ep, "examplebucket", "k", "U", 1, {0, max_part_size}));
    CHECK(make_upload_part_request(ep, "examplebucket", "k", "", 1, {0, 1}).error().code == errc::invalid_argument);
    CHECK(make_upload_part_request(ep, "examplebucket", "k", "U\n", 1, {0, 1}).error().code == errc::invalid_argument);
    upload_part_options o;
    o.traffic_limit = 1000;
    CHECK(make_upload_part_request(ep, "examplebucket", "k", "U", 1, {0, 1}, o).error().code == errc::invalid_argument);
    o = {};
    o.content_md5 = "abc\r\n";
    CHECK(make_upload_part_request(ep, "examplebucket", "k", "U", 1, {0, 1}, o).error().code ==
          errc::invalid_header_value);
}

TEST_CASE("upload part copy: source path, range and conditions", "[requests][copy]") {
    copy_source src;
    src.bucket = "src-bucket";
    src.key = "dir/a b+c.bin";
    src.version_id = "CAEQ+1";
    src.range = body_range{100, 200};
    src.if_match = "\"5B3C1A2E053D763E1B002CC607C5A0FE\"";
    src.if_unmodified_since = "Wed, 21 Oct 2026 07:28:00 GMT";
    auto r = make_upload_part_copy_request(hangzhou(), "examplebucket", "dst", "U", 2, src, 819200).value();
    CHECK(r.op == operation::upload_part_copy);
    CHECK(r.target() == "/dst?partNumber=2&uploadId=U");
    CHECK_FALSE(r.source);
    CHECK(r.content_length() == 0);
    CHECK(r.headers.get("x-oss-copy-source") == "/src-bucket/dir/a%20b%2Bc.bin?versionId=CAEQ%2B1");
    CHECK(r.headers.get("x-oss-copy-source-range") == "bytes=100-299");
    CHECK(r.headers.get("x-oss-copy-source-if-match") == "\"5B3C1A2E053D763E1B002CC607C5A0FE\"");
    CHECK(r.headers.get("x-oss-copy-source-if-unmodified-since") == "Wed, 21 Oct 2026 07:28:00 GMT");
    CHECK_FALSE(r.headers.contains("x-oss-copy-source-if-none-match"));
    CHECK(r.headers.get("x-oss-traffic-limit") == "819200");
}

TEST_CASE("upload part copy: a bad source is named as the source", "[requests][copy]") {
    copy_source src;
    src.bucket = "Bad";
    src.key = "k";
    auto e = make_upload_part_copy_request(hangzhou(), "examplebucket", "dst", "U", 1, src).error();
    CHECK(e.code == errc::invalid_bucket_name);
    CHECK(e.message.rfind("copy source: ", 0) == 0);
    src.bucket = "good-bucket";
    src.range = body_range{0, 0};
    CHECK(make_upload_part_copy_request(hangzhou(), "examplebucket", "dst", "U", 1, src).error().code ==
          errc::invalid_argument);
    src.range.reset();
    src.key = "";
    CHECK(make_upload_part_copy_request(hangzhou(), "examplebucket", "dst", "U", 1, src).error().code ==
          errc::invalid_object_key);
}
