#include <catch2/catch.hpp>

#include <ossmp/crypto/base64.hpp>
#include <ossmp/crypto/md5.hpp>
#include <ossmp/requests/complete.hpp>

#include <vector>

using namespace ossmp;

namespace {
endpoint hangzhou() { return parse_endpoint("https://oss-cn-hangzhou.aliyuncs.com").value(); }
}

TEST_CASE("complete: sorted, de-duplicated, escaped part list with Content-MD5", "[requests][complete]") {
    std::vector<completed_part> parts = {{3, "\"C\""}, {1, "\"A&1\""}, {2, "\"B-old\""}, {2, "\"B-new\""}};
    auto r = make_complete_request(hangzhou(), "examplebucket", "k", "U", parts).value();
    CHECK(r.op == operation::complete_multipart_upload);
    CHECK(r.method == "POST");
    CHECK(r.target() == "/k?encoding-type=url&uploadId=U");
    CHECK(r.body ==
          "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CompleteMultipartUpload>\n"
          "<Part><PartNumber>1</PartNumber><ETag>&quot;A&amp;1&quot;</ETag></Part>\n"
          "<Part><PartNumber>2</PartNumber><ETag>&quot;B-new&quot;</ETag></Part>\n"
          "<Part><PartNumber>3</PartNumber><ETag>&quot;C&quot;</ETag></Part>\n"
          "</CompleteMultipartUpload>\n");
    CHECK(r.headers.get("Content-MD5") == base64_encode(md5::hash(r.body)));
    CHECK(r.headers.get("Content-Type") == "application/xml");
    CHECK(r.content_length() == r.body.size());
    CHECK_FALSE(r.headers.contains("x-oss-complete-all"));
}

TEST_CASE("complete: complete-all sends the header and no body", "[requests][complete]") {
    complete_options o;
    o.complete_all = true;
    o.forbid_overwrite = true;
    o.acl = "public-read";
    auto r = make_complete_request(hangzhou(), "examplebucket", "k", "U", {}, o).value();
    CHECK(r.headers.get("x-oss-complete-all") == "yes");
    CHECK(r.headers.get("x-oss-forbid-overwrite") == "true");
    CHECK(r.headers.get("x-oss-object-acl") == "public-read");
    CHECK(r.body.empty());
    CHECK_FALSE(r.headers.contains("Content-MD5"));
    std::vector<completed_part> parts = {{1, "\"A\""}};
    CHECK(make_complete_request(hangzhou(), "examplebucket", "k", "U", parts, o).error().code == errc::invalid_argument);
}

TEST_CASE("complete: callback JSON is base64-encoded into its headers", "[requests][complete]") {
    complete_options o;
    o.callback = R"({"callbackUrl":"http://cb.example.com/","callbackBody":"bucket=${bucket}"})";
    o.callback_var = R"({"x:a":"1"})";
    std::vector<completed_part> parts = {{1, "\"A\""}};
    auto r = make_complete_request(hangzhou(), "examplebucket", "k", "U", parts, o).value();
    CHECK(base64_decode(r.headers.get_or("x-oss-callback")).value() == o.callback);
    CHECK(base64_decode(r.headers.get_or("x-oss-callback-var")).value() == o.callback_var);
    complete_options only_var;
    only_var.callback_var = "{}";
    CHECK(make_complete_request(hangzhou(), "examplebucket", "k", "U", parts, only_var).error().code ==
          errc::invalid_argument);
}

TEST_CASE("complete: invalid part lists are refused", "[requests][complete]") {
    CHECK(make_complete_request(hangzhou(), "examplebucket", "k", "U", {}).error().code == errc::invalid_argument);
    std::vector<completed_part> zero = {{0, "\"A\""}};
    CHECK(make_complete_request(hangzhou(), "examplebucket", "k", "U", zero).error().code == errc::invalid_part_number);
    std::vector<completed_part> no_etag = {{1, ""}};
    CHECK(make_complete_request(hangzhou(), "examplebucket", "k", "U", no_etag).error().code == errc::invalid_argument);
    std::vector<completed_part> ok_parts = {{1, "\"A\""}};
    complete_options o;
    o.acl = "everyone";
    CHECK_FALSE(make_complete_request(hangzhou(), "examplebucket", "k", "U", ok_parts, o));
}

TEST_CASE("complete body writer keeps the last duplicate and the order", "[requests][complete]") {
    std::vector<completed_part> parts = {{2, "x"}, {1, "a"}, {2, "y"}, {2, "z"}};
    auto body = write_complete_body(parts);
    CHECK(body.find("<PartNumber>1</PartNumber><ETag>a</ETag>") < body.find("<PartNumber>2</PartNumber><ETag>z</ETag>"));
    CHECK(body.find("<ETag>x</ETag>") == std::string::npos);
    CHECK(body.find("<ETag>y</ETag>") == std::string::npos);
}
