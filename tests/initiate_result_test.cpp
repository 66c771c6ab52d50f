// InitiateMultipartUpload replies.
#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>
#include <string>

#include <ossmp/responses/initiate_result.hpp>

using ossmp::errc;

namespace {
std::string vector_file(const std::string& rel) {
    std::ifstream in(std::string(OSSMP_SOURCE_DIR) + "/tests/vectors/xml/" + rel, std::ios::binary);
    REQUIRE(in.good());
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}
ossmp::http_response reply(std::string body, int status = 200) {
    ossmp::http_response r;
    r.status = status;
    r.headers.add("x-oss-request-id", "534B371674E88A4D8906****");
    r.body = std::move(body);
    return r;
}
errc code_of(const std::string& body) {
    auto r = ossmp::parse_initiate_result(reply(body));
    return r ? errc::ok : r.error().code;
}
}  // namespace

TEST_CASE("initiate: the documented sample (xmlns on the root)") {
    auto r = ossmp::parse_initiate_result(reply(vector_file("InitiateMultipartUpload/docs.xml")));
    REQUIRE(r);
    CHECK(r->bucket == "oss-example");
    CHECK(r->key == "multipart.data");
    CHECK(r->upload_id == "0004B9894A22E5B1888A1E29F823****");
    CHECK(r->encoding_type.empty());
    CHECK(r->info.request_id == "534B371674E88A4D8906****");
    CHECK(r->info.http_status == 200);
}

TEST_CASE("initiate: the go2 fixture (no declaration, no indentation)") {
    auto r = ossmp::parse_initiate_result(reply(vector_file("InitiateMultipartUpload/go2_fixture.xml")));
    REQUIRE(r);
    CHECK(r->upload_id == "0004B9894A22E5B1888A1E29F823****");
}

TEST_CASE("initiate: an encoded key with unicode, '%', '+' and control characters") {
    auto r = ossmp::parse_initiate_result(reply(vector_file("InitiateMultipartUpload/encoded_key.xml")));
    REQUIRE(r);
    CHECK(r->encoding_type == "url");
    // '+' is not a space: OSS writes a space as %20.
    CHECK(r->key == "demo/\xE4\xB8\xAD\xE6\x96\x87 100%+plus\f\n\v");
    auto bad = code_of("<InitiateMultipartUploadResult><EncodingType>url</EncodingType><Bucket>b</Bucket>"
                       "<Key>100%</Key><UploadId>u</UploadId></InitiateMultipartUploadResult>");
    CHECK(bad == errc::invalid_encoding);
    // Without EncodingType the key is taken as is, '%' included.
    auto raw = ossmp::parse_initiate_result(reply("<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>100%</Key>"
                                                  "<UploadId>u</UploadId></InitiateMultipartUploadResult>"));
    REQUIRE(raw);
    CHECK(raw->key == "100%");
    CHECK(code_of("<InitiateMultipartUploadResult><EncodingType>base64</EncodingType><Bucket>b</Bucket>"
                  "<Key>k</Key><UploadId>u</UploadId></InitiateMultipartUploadResult>") == errc::invalid_field);
}

TEST_CASE("initiate: missing fields are named, not defaulted") {
    auto r = ossmp::parse_initiate_result(reply("<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key>"
                                                "</InitiateMultipartUploadResult>"));
    REQUIRE(!r);
    CHECK(r.error().code == errc::missing_field);
    CHECK(r.error().message.find("<UploadId>") != std::string::npos);
    CHECK(r.error().op == ossmp::operation::initiate_multipart_upload);
    CHECK(r.error().http_status == 200);
    CHECK(code_of("<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key><UploadId></UploadId>"
                  "</InitiateMultipartUploadResult>") == errc::missing_field);
    CHECK(code_of("<InitiateMultipartUploadResult><Key>k</Key><UploadId>u</UploadId>"
                  "</InitiateMultipartUploadResult>") == errc::missing_field);
}

TEST_CASE("initiate: unknown elements are ignored, structure is checked") {
    CHECK(code_of("<InitiateMultipartUploadResult><New><x>1</x></New><Bucket>b</Bucket><Key>k</Key>"
                  "<UploadId>u</UploadId><Extra/></InitiateMultipartUploadResult>") == errc::ok);
    CHECK(code_of("<ListPartsResult/>") == errc::malformed_response);
    CHECK(code_of("<InitiateMultipartUploadResult><Bucket>b</Bucket><Bucket>c</Bucket><Key>k</Key>"
                  "<UploadId>u</UploadId></InitiateMultipartUploadResult>") == errc::malformed_response);
    CHECK(code_of("<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key><UploadId>u</UploadId>") ==
          errc::xml_syntax);
    CHECK(code_of("<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key><UploadId>u</UploadId>"
                  "</InitiateMultipartUploadResult><x/>") == errc::xml_syntax);
    CHECK(code_of("<InitiateMultipartUploadResult><Bucket>b<i/></Bucket><Key>k</Key><UploadId>u</UploadId>"
                  "</InitiateMultipartUploadResult>") == errc::malformed_response);
    CHECK(code_of("") == errc::xml_syntax);
    CHECK(code_of("{\"UploadId\":\"u\"}") == errc::xml_syntax);
}

TEST_CASE("initiate: error replies") {
    auto e = ossmp::parse_initiate_result(reply(vector_file("Error/user_disable.xml"), 403));
    REQUIRE(!e);
    CHECK(e.error().code == errc::service_error);
    CHECK(e.error().oss_code == "UserDisable");
    CHECK(e.error().ec == "0003-00000801");
    auto ok_error = ossmp::parse_initiate_result(reply(vector_file("Error/no_such_bucket.xml"), 200));
    REQUIRE(!ok_error);
    CHECK(ok_error.error().oss_code == "NoSuchBucket");
}
