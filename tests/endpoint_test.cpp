#include <catch2/catch.hpp>

#include <ossmp/endpoint.hpp>

using namespace ossmp;

TEST_CASE("endpoints parse with sensible default styles", "[endpoint]") {
    auto a = parse_endpoint("https://oss-cn-hangzhou.aliyuncs.com");
    REQUIRE(a);
    CHECK(a->scheme == "https");
    CHECK(a->host == "oss-cn-hangzhou.aliyuncs.com");
    CHECK(a->port == 0);
    CHECK(a->style == addressing_style::virtual_hosted);

    auto b = parse_endpoint("OSS-CN-Hangzhou.aliyuncs.com/");
    REQUIRE(b);
    CHECK(b->scheme == "https");
    CHECK(b->host == "oss-cn-hangzhou.aliyuncs.com");

    auto c = parse_endpoint("http://127.0.0.1:9000");
    REQUIRE(c);
    CHECK(c->style == addressing_style::path);
    CHECK(c->port == 9000);
    CHECK(c->authority() == "127.0.0.1:9000");

    auto d = parse_endpoint("http://localhost:8080", addressing_style::virtual_hosted);
    REQUIRE(d);
    CHECK(d->style == addressing_style::virtual_hosted);

    auto e = parse_endpoint("http://[::1]:9000");
    REQUIRE(e);
    CHECK(e->host == "[::1]");
    CHECK(e->style == addressing_style::path);
    CHECK(parse_endpoint("http://[::1]")->port == 0);

    CHECK(parse_endpoint("https://x.example.com:443")->authority() == "x.example.com");
}

TEST_CASE("bad endpoints are rejected with the reason", "[endpoint]") {
    for (auto bad : {"ftp://host", "https://host/path", "https://host?q=1", "https://user@host", "https://host:0",
                     "https://host:70000", "https://host:abc", "https://", "http://[::1", "https://ho st",
                     "https://[::1]:9000x"}) {
        INFO(bad);
        auto r = parse_endpoint(bad);
        REQUIRE_FALSE(r);
        CHECK(r.error().code == errc::invalid_endpoint);
    }
    CHECK_FALSE(parse_endpoint("http://[::1]:9000", addressing_style::virtual_hosted));
}

TEST_CASE("bucket and key resolve per addressing style", "[endpoint]") {
    auto vh = parse_endpoint("https://oss-cn-hangzhou.aliyuncs.com").value();
    auto loc = resolve(vh, "examplebucket", "dir/my file+1%.txt");
    REQUIRE(loc);
    CHECK(loc->host == "examplebucket.oss-cn-hangzhou.aliyuncs.com");
    CHECK(loc->path == "/dir/my%20file%2B1%25.txt");
    CHECK(resolve(vh, "examplebucket", "").value().path == "/");
    CHECK(resolve(vh, "", "").value().host == "oss-cn-hangzhou.aliyuncs.com");

    auto ps = parse_endpoint("http://127.0.0.1:9000").value();
    CHECK(resolve(ps, "b-1", "a/b").value().path == "/b-1/a/b");
    CHECK(resolve(ps, "b-1", "a/b").value().host == "127.0.0.1:9000");
    CHECK(resolve(ps, "b-1", "").value().path == "/b-1/");
    CHECK(resolve(ps, "b-1", "\xe4\xb8\xad~").value().path == "/b-1/%E4%B8%AD~");

    auto cn = parse_endpoint("https://files.example.com", addressing_style::cname).value();
    CHECK(resolve(cn, "examplebucket", "k").value().host == "files.example.com");
    CHECK(resolve(cn, "examplebucket", "k").value().path == "/k");

    CHECK(resolve(vh, "Bad_Bucket", "k").error().code == errc::invalid_bucket_name);
    CHECK(resolve(vh, "bucket", "/k").error().code == errc::invalid_object_key);
    CHECK(resolve(vh, "", "k").error().code == errc::invalid_argument);
}

TEST_CASE("region is read off OSS endpoint hosts", "[endpoint]") {
    CHECK(region_from_host("oss-cn-hangzhou.aliyuncs.com") == "cn-hangzhou");
    CHECK(region_from_host("bucket.oss-cn-hangzhou.aliyuncs.com") == "cn-hangzhou");
    CHECK(region_from_host("oss-cn-shanghai-internal.aliyuncs.com") == "cn-shanghai");
    CHECK(region_from_host("oss-ap-southeast-1.aliyuncs.com") == "ap-southeast-1");
    CHECK_FALSE(region_from_host("oss-accelerate.aliyuncs.com"));
    CHECK_FALSE(region_from_host("127.0.0.1"));
    CHECK_FALSE(region_from_host("files.example.com"));
}
