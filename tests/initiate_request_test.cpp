#include <catch2/catch.hpp>

#include <ossmp/requests/initiate.hpp>
#include <ossmp/requests/put_object.hpp>

using namespace ossmp;

namespace {
endpoint hangzhou() { return parse_endpoint("https://oss-cn-hangzhou.aliyuncs.com").value(); }
}

TEST_CASE("initiate: minimal request", "[requests][initiate]") {
    auto r = make_initiate_request(hangzhou(), "examplebucket", "dir/big file.bin").value();
    CHECK(r.op == operation::initiate_multipart_upload);
    CHECK(r.method == "POST");
    CHECK(r.host == "examplebucket.oss-cn-hangzhou.aliyuncs.com");
    CHECK(r.target() == "/dir/big%20file.bin?encoding-type=url&uploads");
    CHECK(r.url() == "https://examplebucket.oss-cn-hangzhou.aliyuncs.com/dir/big%20file.bin?encoding-type=url&uploads");
    CHECK(r.headers.empty());
    CHECK(r.body.empty());
    CHECK_FALSE(r.source);
    CHECK(r.content_length() == 0);
}

TEST_CASE("initiate: every object option becomes its header", "[requests][initiate]") {
    initiate_options o;
    o.content_type = "application/zip";
    o.content_disposition = "attachment; filename=\"a.zip\"";
    o.content_encoding = "gzip";
    o.cache_control = "no-cache";
    o.expires = "Wed, 21 Oct 2026 07:28:00 GMT";
    o.storage_class = "IA";
    o.acl = "private";
    o.server_side_encryption = "KMS";
    o.server_side_data_encryption = "SM4";
    o.server_side_encryption_key_id = "key-1";
    o.tags = {{"project", "a b"}, {"k+", "v&="}};
    o.metadata = {{"author", "alice"}, {"Note", "x y"}};
    o.forbid_overwrite = true;
    o.sequential = true;
    o.url_encoding = false;
    o.extra_headers = {{"x-oss-request-payer", "requester"}};
    auto r = make_initiate_request(hangzhou(), "examplebucket", "k", o).value();
    CHECK(r.target() == "/k?sequential&uploads");
    CHECK(r.headers.get("Content-Type") == "application/zip");
    CHECK(r.headers.get("Content-Disposition") == "attachment; filename=\"a.zip\"");
    CHECK(r.headers.get("Content-Encoding") == "gzip");
    CHECK(r.headers.get("Cache-Control") == "no-cache");
    CHECK(r.headers.get("Expires") == "Wed, 21 Oct 2026 07:28:00 GMT");
    CHECK(r.headers.get("x-oss-storage-class") == "IA");
    CHECK(r.headers.get("x-oss-object-acl") == "private");
    CHECK(r.headers.get("x-oss-server-side-encryption") == "KMS");
    CHECK(r.headers.get("x-oss-server-side-data-encryption") == "SM4");
    CHECK(r.headers.get("x-oss-server-side-encryption-key-id") == "key-1");
    CHECK(r.headers.get("x-oss-tagging") == "project=a%20b&k%2B=v%26%3D");
    CHECK(r.headers.get("x-oss-meta-author") == "alice");
    CHECK(r.headers.get("x-oss-meta-note") == "x y");
    CHECK(r.headers.get("x-oss-forbid-overwrite") == "true");
    CHECK(r.headers.get("x-oss-request-payer") == "requester");
}

TEST_CASE("initiate: bad options are refused before anything is built", "[requests][initiate]") {
    auto bad = [](initiate_options o) { return make_initiate_request(hangzhou(), "examplebucket", "k", o); };
    initiate_options o;
    o.storage_class = "Standrad";
    auto r = bad(o);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::invalid_argument);
    CHECK(r.error().op == operation::initiate_multipart_upload);
    CHECK(r.error().message.find("Standard, IA, Archive, ColdArchive, DeepColdArchive") != std::string::npos);
    o = {};
    o.acl = "public";
    CHECK_FALSE(bad(o));
    o = {};
    o.server_side_encryption = "AES128";
    CHECK_FALSE(bad(o));
    o = {};
    o.metadata = {{"a", "x\r\nx-oss-acl: public-read"}};
    CHECK(bad(o).error().code == errc::invalid_header_value);
    o = {};
    o.metadata = {{"bad name", "x"}};
    CHECK(bad(o).error().code == errc::invalid_header_value);
    o = {};
    o.content_type = "text/plain\n";
    CHECK(bad(o).error().code == errc::invalid_header_value);
    o = {};
    for (int i = 0; i < 11; ++i) o.tags.push_back({"k" + std::to_string(i), "v"});
    CHECK(bad(o).error().code == errc::invalid_argument);
    o = {};
    o.tags = {{std::string(129, 'k'), "v"}};
    CHECK_FALSE(bad(o));
    o = {};
    o.extra_headers = {{"Authorization", "OSS a:b"}};
    CHECK(bad(o).error().code == errc::invalid_header_value);
    CHECK(make_initiate_request(hangzhou(), "examplebucket", "").error().code == errc::invalid_object_key);
    CHECK(make_initiate_request(hangzhou(), "Example", "k").error().code == errc::invalid_bucket_name);
    CHECK(make_initiate_request(hangzhou(), "", "k").error().code == errc::invalid_bucket_name);
}

TEST_CASE("put object carries the object options and a body range", "[requests][put]") {
    initiate_options o;
    o.content_type = "text/plain";
    o.sequential = true;
    auto r = make_put_object_request(hangzhou(), "examplebucket", "k", {0, 11}, o, "XrY7u+Ae7tCTyyK7j1rNww==").value();
    CHECK(r.op == operation::put_object);
    CHECK(r.method == "PUT");
    CHECK(r.target() == "/k");
    CHECK(r.source == body_range{0, 11});
    CHECK(r.headers.get("Content-Type") == "text/plain");
    CHECK(r.headers.get("Content-MD5") == "XrY7u+Ae7tCTyyK7j1rNww==");
    CHECK(make_put_object_request(hangzhou(), "examplebucket", "k", {0, max_part_size + 1}).error().code ==
          errc::object_too_large);
}
