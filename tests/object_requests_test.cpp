#include <catch2/catch.hpp>

#include <ossmp/requests/create_bucket.hpp>
#include <ossmp/requests/delete_object.hpp>
#include <ossmp/requests/get_object.hpp>
#include <ossmp/requests/head_object.hpp>

using namespace ossmp;

namespace {
endpoint local() { return parse_endpoint("http://localhost:9000").value(); }
}

TEST_CASE("get, head, delete object and create bucket", "[requests][object]") {
    auto g = make_get_object_request(local(), "examplebucket", "a b", body_range{10, 5}).value();
    CHECK(g.method == "GET");
    CHECK(g.target() == "/examplebucket/a%20b");
    CHECK(g.headers.get("Range") == "bytes=10-14");
    CHECK_FALSE(make_get_object_request(local(), "examplebucket", "a").value().headers.contains("Range"));
    CHECK(make_get_object_request(local(), "examplebucket", "a", body_range{0, 0}).error().code == errc::invalid_argument);

    auto h = make_head_object_request(local(), "examplebucket", "k").value();
    CHECK(h.method == "HEAD");
    CHECK(h.op == operation::head_object);

    auto d = make_delete_object_request(local(), "examplebucket", "k").value();
    CHECK(d.method == "DELETE");
    CHECK(d.target() == "/examplebucket/k");
    CHECK(make_delete_object_request(local(), "examplebucket", "").error().code == errc::invalid_object_key);

    auto b = make_create_bucket_request(local(), "new-bucket").value();
    CHECK(b.method == "PUT");
    CHECK(b.target() == "/new-bucket/");
    CHECK(make_create_bucket_request(local(), "x").error().code == errc::invalid_bucket_name);
}
