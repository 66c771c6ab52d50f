#include <catch2/catch.hpp>

#include <ossmp/requests/abort.hpp>
#include <ossmp/requests/list_parts.hpp>
#include <ossmp/requests/list_uploads.hpp>

using namespace ossmp;

namespace {
endpoint hangzhou() { return parse_endpoint("https://oss-cn-hangzhou.aliyuncs.com").value(); }
endpoint local() { return parse_endpoint("http://127.0.0.1:9000").value(); }
}

TEST_CASE("abort", "[requests][abort]") {
    auto r = make_abort_request(hangzhou(), "examplebucket", "k", "U").value();
    CHECK(r.op == operation::abort_multipart_upload);
    CHECK(r.method == "DELETE");
    CHECK(r.target() == "/k?uploadId=U");
    CHECK(make_abort_request(hangzhou(), "examplebucket", "k", "").error().code == errc::invalid_argument);
}

TEST_CASE("list parts: paging parameters", "[requests][list_parts]") {
    auto r = make_list_parts_request(local(), "examplebucket", "demo/gp-\f\n\v", "U").value();
    CHECK(r.op == operation::list_parts);
    CHECK(r.method == "GET");
    CHECK(r.host == "127.0.0.1:9000");
    CHECK(r.target() == "/examplebucket/demo/gp-%0C%0A%0B?encoding-type=url&max-parts=1000&uploadId=U");
    list_parts_options o;
    o.max_parts = 10;
    o.part_number_marker = 20;
    o.url_encoding = false;
    CHECK(make_list_parts_request(local(), "examplebucket", "k", "U", o).value().target() ==
          "/examplebucket/k?max-parts=10&part-number-marker=20&uploadId=U");
    o.max_parts = 1001;
    CHECK(make_list_parts_request(local(), "examplebucket", "k", "U", o).error().code == errc::invalid_argument);
    o.max_parts = 0;
    CHECK_FALSE(make_list_parts_request(local(), "examplebucket", "k", "U", o));
    o.max_parts = 1;
    o.part_number_marker = 10001;
    CHECK(make_list_parts_request(local(), "examplebucket", "k", "U", o).error().code == errc::invalid_part_number);
}

TEST_CASE("list uploads: filters and markers", "[requests][list_uploads]") {
    auto r = make_list_uploads_request(hangzhou(), "examplebucket").value();
    CHECK(r.op == operation::list_multipart_uploads);
    CHECK(r.key.empty());
    CHECK(r.target() == "/?encoding-type=url&max-uploads=1000&uploads");
    list_uploads_options o;
    o.prefix = "dir/a b";
    o.delimiter = "/";
    o.key_marker = "dir/m+";
    o.upload_id_marker = "U1";
    o.max_uploads = 5;
    CHECK(make_list_uploads_request(local(), "examplebucket", o).value().target() ==
          "/examplebucket/?delimiter=%2F&encoding-type=url&key-marker=dir%2Fm%2B&max-uploads=5&prefix=dir%2Fa%20b"
          "&upload-id-marker=U1&uploads");
    o.key_marker.clear();
    CHECK(make_list_uploads_request(local(), "examplebucket", o).error().code == errc::invalid_argument);
    o.upload_id_marker.clear();
    o.max_uploads = 2000;
    CHECK_FALSE(make_list_uploads_request(local(), "examplebucket", o));
}
