// ListParts replies: documented samples, paging, encoded keys, and malformed numbers.
#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>
#include <string>

#include <ossmp/responses/list_parts_result.hpp>

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
// A minimal valid document with `part` as the only part element's content.
std::string with_part(const std::string& part, const std::string& head = "") {
    return "<ListPartsResult><Bucket>b</Bucket><Key>k</Key><UploadId>u</UploadId><IsTruncated>false</IsTruncated>" +
           head + "<Part>" + part + "</Part></ListPartsResult>";
}
const std::string good_part =
    "<PartNumber>1</PartNumber><LastModified>2012-02-23T07:01:34.000Z</LastModified><ETag>e</ETag><Size>1</Size>";
ossmp::error error_of(const std::string& body) {
    auto r = ossmp::parse_list_parts_result(reply(body));
    REQUIRE(!r);
    return r.error();
}
}  // namespace

TEST_CASE("list parts: the documented sample") {
    auto r = ossmp::parse_list_parts_result(reply(vector_file("ListParts/docs.xml")));
    REQUIRE(r);
    CHECK(r->bucket == "multipart_upload");
    CHECK(r->key == "multipart.data");
    CHECK(r->upload_id == "0004B999EF5A239BB9138C6227D6****");
    CHECK(r->part_number_marker == 0);  // absent in the sample
    CHECK(r->next_part_number_marker == 5);
    CHECK(r->max_parts == 1000);
    CHECK(!r->is_truncated);
    REQUIRE(r->parts.size() == 3);
    CHECK(r->parts[0].part_number == 1);
    CHECK(r->parts[0].etag == "\"3349DC700140D7F86A0784842780****\"");
    CHECK(r->parts[0].size == 6291456);
    CHECK(ossmp::format_iso8601(r->parts[0].last_modified) == "2012-02-23T07:01:34.000Z");
    CHECK(!r->parts[0].crc64);
    CHECK(r->parts[2].part_number == 5);
    CHECK(r->parts[2].size == 1024);
    CHECK(r->info.request_id == "534B371674E88A4D8906****");
}

TEST_CASE("list parts: the go2 fixture with url encoding and a CRC") {
    auto r = ossmp::parse_list_parts_result(reply(vector_file("ListParts/go2_fixture_url.xml")));
    REQUIRE(r);
    CHECK(r->encoding_type == "url");
    CHECK(r->key == "demo/gp-\f\n\v");
    CHECK(r->storage_class == "Standard");
    REQUIRE(r->parts.size() == 1);
    CHECK(r->parts[0].crc64 == 12066172435287683848ull);
    CHECK(r->parts[0].size == 96316);
    CHECK(ossmp::format_iso8601(r->parts[0].last_modified) == "2023-11-22T05:42:34.000Z");
}

TEST_CASE("list parts: a truncated page, entity-encoded ETags, extreme values") {
    auto r = ossmp::parse_list_parts_result(reply(vector_file("ListParts/truncated.xml")));
    REQUIRE(r);
    CHECK(r->is_truncated);
    CHECK(r->part_number_marker == 2);
    CHECK(r->next_part_number_marker == 4);
    CHECK(r->max_parts == 2);
    CHECK(r->storage_class == "IA");
    REQUIRE(r->parts.size() == 2);
    CHECK(r->parts[0].etag == "\"A0A0A0A0A0A0A0A0A0A0A0A0A0A0A0A0\"");
    CHECK(r->parts[0].crc64 == 18446744073709551615ull);
    CHECK(r->parts[0].size == 5368709120ull);
    CHECK(r->parts[1].etag == "\"B1B1B1B1B1B1B1B1B1B1B1B1B1B1B1B1\"");
    CHECK(r->parts[1].crc64 == 0u);
    CHECK(ossmp::format_iso8601(r->parts[1].last_modified) == "2023-11-22T05:42:35.123Z");
}

TEST_CASE("list parts: paging fields are required where paging needs them") {
    auto truncated_without_marker =
        "<ListPartsResult><Bucket>b</Bucket><Key>k</Key><UploadId>u</UploadId><IsTruncated>true</IsTruncated>"
        "</ListPartsResult>";
    auto e = error_of(truncated_without_marker);
    CHECK(e.code == errc::missing_field);
    CHECK(e.message.find("NextPartNumberMarker") != std::string::npos);
    auto no_truncated = error_of("<ListPartsResult><Bucket>b</Bucket><Key>k</Key><UploadId>u</UploadId></ListPartsResult>");
    CHECK(no_truncated.code == errc::missing_field);
    CHECK(no_truncated.message.find("IsTruncated") != std::string::npos);
    CHECK(error_of(with_part(good_part, "<IsTruncated>false</IsTruncated>")).code == errc::malformed_response);
    CHECK(error_of(with_part(good_part, "<PartNumberMarker>10001</PartNumberMarker>")).code == errc::invalid_field);
    auto empty = ossmp::parse_list_parts_result(reply(
        "<ListPartsResult><Bucket>b</Bucket><Key>k</Key><UploadId>u</UploadId><IsTruncated>false</IsTruncated>"
        "</ListPartsResult>"));
    REQUIRE(empty);
    CHECK(empty->parts.empty());
}

TEST_CASE("list parts: each part's fields are required") {
    for (const char* drop : {"<PartNumber>1</PartNumber>", "<ETag>e</ETag>", "<Size>1</Size>",
                             "<LastModified>2012-02-23T07:01:34.000Z</LastModified>"}) {
        std::string part = good_part;
        part.erase(part.find(drop), std::string(drop).size());
        auto e = error_of(with_part(part));
        INFO(drop);
        CHECK(e.code == errc::missing_field);
        CHECK(e.message.find("<Part>") != std::string::npos);
    }
    CHECK(error_of(with_part(good_part + "<Size>2</Size>")).code == errc::malformed_response);
}

TEST_CASE("list parts: bad numbers name the element and the value") {
    struct bad_case {
        const char* element;
        const char* value;
    };
    for (auto [element, value] : {bad_case{"PartNumber", "0"}, {"PartNumber", "10001"}, {"PartNumber", "-1"},
                                  {"PartNumber", "1.5"}, {"PartNumber", ""}, {"PartNumber", " 1"},
                                  {"Size", "-5"}, {"Size", "18446744073709551616"}, {"Size", "1e3"},
                                  {"Size", "+5"}, {"Size", "99999999999999999999999999"},
                                  {"HashCrc64ecma", "18446744073709551616"}, {"HashCrc64ecma", "-1"},
                                  {"HashCrc64ecma", "0x1F"}, {"LastModified", "2012-02-30T07:01:34.000Z"},
                                  {"LastModified", "Thu, 23 Feb 2012 07:01:34 GMT"}}) {
        std::string part = good_part;
        std::string open = "<" + std::string(element) + ">";
        std::string close = "</" + std::string(element) + ">";
        auto at = part.find(open);
        std::string field = open + value + close;
        if (at == std::string::npos) part += field;
        else part.replace(at, part.find(close) + close.size() - at, field);
        INFO(part);
        auto e = error_of(with_part(part));
        CHECK(e.code == errc::invalid_field);
        CHECK(e.message.find(element) != std::string::npos);
        CHECK(e.message.find(std::string("'") + value + "'") != std::string::npos);
        CHECK(e.op == ossmp::operation::list_parts);
    }
    for (const char* v : {"yes", "TRUE", "1", ""}) {
        auto e = error_of("<ListPartsResult><Bucket>b</Bucket><Key>k</Key><UploadId>u</UploadId><IsTruncated>" +
                          std::string(v) + "</IsTruncated></ListPartsResult>");
        CHECK(e.code == errc::invalid_field);
    }
}

TEST_CASE("list parts: the CRC element name comes from the dialect") {
    std::string doc = with_part(good_part + "<Checksum>7</Checksum><HashCrc64ecma>9</HashCrc64ecma>");
    auto oss = ossmp::parse_list_parts_result(reply(doc));
    REQUIRE(oss);
    CHECK(oss->parts[0].crc64 == 9u);
    ossmp::dialect other = ossmp::oss_dialect;
    other.checksum.element = "Checksum";
    auto r = ossmp::parse_list_parts_result(reply(doc), other);
    REQUIRE(r);
    CHECK(r->parts[0].crc64 == 7u);
}

TEST_CASE("list parts: unknown elements (client-side encryption) are ignored") {
    auto r = ossmp::parse_list_parts_result(reply(with_part(good_part + "<Future><Nested>1</Nested></Future>",
                                                            "<ClientEncryptionKey>k</ClientEncryptionKey>"
                                                            "<ClientEncryptionStart>s</ClientEncryptionStart>")));
    REQUIRE(r);
    CHECK(r->parts.size() == 1);
}

TEST_CASE("list parts: malformed documents") {
    CHECK(error_of(vector_file("ListParts/docs.xml").substr(0, 700)).code == errc::xml_syntax);  // truncated
    CHECK(error_of("<ListPartsResult><Bucket>b</Key></ListPartsResult>").code == errc::xml_syntax);
    CHECK(error_of("<ListPartsResult><Part><PartNumber>1</Part></PartNumber></ListPartsResult>").code ==
          errc::xml_syntax);
    CHECK(error_of(with_part(good_part) + "trailing").code == errc::xml_syntax);
    CHECK(error_of("<!DOCTYPE x [<!ENTITY a \"aaaa\">]><ListPartsResult>&a;</ListPartsResult>").code ==
          errc::xml_forbidden);
    std::string deep = "<ListPartsResult>";
    for (int i = 0; i < 200; ++i) deep += "<x>";
    CHECK(error_of(deep).code == errc::xml_limit);
    CHECK(error_of(with_part(good_part, "<Key>k2</Key>")).code == errc::malformed_response);
}

TEST_CASE("list parts: a 100 MB body is refused by the size bound, without a copy") {
    ossmp::http_response resp;
    resp.status = 200;
    std::string body;
    body.reserve(100u << 20);
    body = "<ListPartsResult>";
    body.resize((100u << 20) - 18, ' ');
    body += "</ListPartsResult>";
    const char* data = body.data();
    resp.body = std::move(body);  // the one 100 MB allocation
    REQUIRE(resp.body.data() == data);
    auto r = ossmp::parse_list_parts_result(resp);
    REQUIRE(!r);
    CHECK(r.error().code == errc::xml_limit);
    CHECK(r.error().message.find("max_document_size") != std::string::npos);
}

TEST_CASE("list parts: error replies") {
    auto e = ossmp::parse_list_parts_result(reply(vector_file("Error/no_such_upload.xml"), 404));
    REQUIRE(!e);
    CHECK(e.error().code == errc::no_such_upload);
    CHECK(e.error().op == ossmp::operation::list_parts);
    auto html = ossmp::parse_list_parts_result(reply(vector_file("Error/proxy_502.html"), 502));
    REQUIRE(!html);
    CHECK(html.error().code == errc::service_error);
    CHECK(html.error().http_status == 502);
}
