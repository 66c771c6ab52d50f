// ListMultipartUploads replies: documented samples, paging, encoded fields, prefixes.
#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>
#include <string>

#include <ossmp/responses/list_uploads_result.hpp>

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
    r.body = std::move(body);
    return r;
}
ossmp::error error_of(const std::string& body) {
    auto r = ossmp::parse_list_uploads_result(reply(body));
    REQUIRE(!r);
    return r.error();
}
const std::string head = "<ListMultipartUploadsResult><Bucket>b</Bucket><IsTruncated>false</IsTruncated>";
const std::string tail = "</ListMultipartUploadsResult>";
}  // namespace

TEST_CASE("list uploads: the documented sample") {
    auto r = ossmp::parse_list_uploads_result(reply(vector_file("ListMultipartUploads/docs.xml")));
    REQUIRE(r);
    CHECK(r->bucket == "oss-example");
    CHECK(r->key_marker.empty());
    CHECK(r->upload_id_marker.empty());
    CHECK(r->next_key_marker == "oss.avi");
    CHECK(r->next_upload_id_marker == "0004B99B8E707874FC2D692FA5D77D3F");
    CHECK(r->delimiter.empty());
    CHECK(r->prefix.empty());
    CHECK(r->max_uploads == 1000);
    CHECK(!r->is_truncated);
    REQUIRE(r->uploads.size() == 3);
    CHECK(r->uploads[0].key == "multipart.data");
    CHECK(r->uploads[0].upload_id == "0004B999EF518A1FE585B0C9360DC4C8");
    CHECK(r->uploads[0].storage_class.empty());
    CHECK(ossmp::format_iso8601(r->uploads[0].initiated) == "2012-02-23T04:18:23.000Z");
    CHECK(r->uploads[2].key == "oss.avi");
    CHECK(r->common_prefixes.empty());
}

TEST_CASE("list uploads: the go2 fixture with url encoding and an empty key") {
    auto r = ossmp::parse_list_uploads_result(reply(vector_file("ListMultipartUploads/go2_fixture_url.xml")));
    REQUIRE(r);
    CHECK(r->delimiter == "/");
    CHECK(r->prefix == "pre");
    REQUIRE(r->uploads.size() == 3);
    CHECK(r->uploads[0].key == "demo/gp-\f\n\v");
    CHECK(r->uploads[0].storage_class == "Standard");
    CHECK(ossmp::format_iso8601(r->uploads[0].initiated) == "2023-11-22T05:45:57.000Z");
    CHECK(r->uploads[1].key == "walker-dest.txt");
    CHECK(r->uploads[2].key.empty());
}

TEST_CASE("list uploads: truncated page with encoded markers, unicode and common prefixes") {
    auto r = ossmp::parse_list_uploads_result(reply(vector_file("ListMultipartUploads/truncated_prefixes_url.xml")));
    REQUIRE(r);
    CHECK(r->encoding_type == "URL");  // compared without case
    CHECK(r->is_truncated);
    CHECK(r->key_marker == "a/b");
    CHECK(r->upload_id_marker == "0004B999EF518A1FE585B0C9360DC4C8");  // never encoded
    CHECK(r->next_key_marker == "photos/\xE6\x97\xA5\xE6\x9C\xAC/");
    CHECK(r->next_upload_id_marker == "0004B99B8E707874FC2D692FA5D77D3F");
    CHECK(r->delimiter == "/");
    CHECK(r->prefix == "photos/");
    CHECK(r->max_uploads == 2);
    REQUIRE(r->uploads.size() == 1);
    CHECK(r->uploads[0].key == "photos/a%20b.jpg");  // decoded once: %25 is a literal '%'
    CHECK(r->uploads[0].storage_class == "Archive");
    CHECK(r->common_prefixes == std::vector<std::string>{"photos/2023/", "photos/\xE6\x97\xA5\xE6\x9C\xAC/"});
}

TEST_CASE("list uploads: fields are not decoded without EncodingType") {
    auto r = ossmp::parse_list_uploads_result(reply(head + "<Prefix>a%2F</Prefix><CommonPrefixes><Prefix>a%2Fb</Prefix>"
                                                           "</CommonPrefixes>" + tail));
    REQUIRE(r);
    CHECK(r->prefix == "a%2F");
    CHECK(r->common_prefixes == std::vector<std::string>{"a%2Fb"});
}

TEST_CASE("list uploads: paging and upload fields are required") {
    auto e = error_of("<ListMultipartUploadsResult><Bucket>b</Bucket><IsTruncated>true</IsTruncated>"
                      "<NextKeyMarker>k</NextKeyMarker>" + tail);
    CHECK(e.code == errc::missing_field);
    CHECK(e.message.find("NextUploadIdMarker") != std::string::npos);
    CHECK(error_of("<ListMultipartUploadsResult><Bucket>b</Bucket>" + tail).code == errc::missing_field);
    CHECK(error_of("<ListMultipartUploadsResult><IsTruncated>false</IsTruncated>" + tail).code == errc::missing_field);
    auto no_id = error_of(head + "<Upload><Key>k</Key><Initiated>2012-02-23T04:18:23.000Z</Initiated></Upload>" + tail);
    CHECK(no_id.code == errc::missing_field);
    CHECK(no_id.message.find("<Upload>") != std::string::npos);
    CHECK(error_of(head + "<Upload><Key>k</Key><UploadId></UploadId><Initiated>2012-02-23T04:18:23.000Z</Initiated>"
                          "</Upload>" + tail).code == errc::missing_field);
    CHECK(error_of(head + "<Upload><Key>k</Key><UploadId>u</UploadId></Upload>" + tail).code == errc::missing_field);
    CHECK(error_of(head + "<Upload><UploadId>u</UploadId><Initiated>2012-02-23T04:18:23.000Z</Initiated></Upload>" +
                   tail).code == errc::missing_field);
}

TEST_CASE("list uploads: bad values") {
    CHECK(error_of(head + "<MaxUploads>-1</MaxUploads>" + tail).code == errc::invalid_field);
    CHECK(error_of(head + "<MaxUploads>4294967296</MaxUploads>" + tail).code == errc::invalid_field);
    CHECK(error_of(head + "<Upload><Key>k</Key><UploadId>u</UploadId><Initiated>2012-13-23T04:18:23.000Z</Initiated>"
                          "</Upload>" + tail).code == errc::invalid_field);
    CHECK(error_of("<ListMultipartUploadsResult><EncodingType>url</EncodingType><Bucket>b</Bucket>"
                   "<IsTruncated>false</IsTruncated><Prefix>%G0</Prefix>" + tail).code == errc::invalid_encoding);
    CHECK(error_of("<ListMultipartUploadsResult><EncodingType>url</EncodingType><Bucket>b</Bucket>"
                   "<IsTruncated>false</IsTruncated><CommonPrefixes><Prefix>%</Prefix></CommonPrefixes>" + tail)
              .code == errc::invalid_encoding);
    CHECK(error_of(head + "<IsTruncated>false</IsTruncated>" + tail).code == errc::malformed_response);
}

TEST_CASE("list uploads: errors") {
    auto e = ossmp::parse_list_uploads_result(reply(vector_file("Error/no_such_bucket.xml"), 404));
    REQUIRE(!e);
    CHECK(e.error().code == errc::service_error);
    CHECK(e.error().op == ossmp::operation::list_multipart_uploads);
    CHECK(e.error().oss_code == "NoSuchBucket");
}
