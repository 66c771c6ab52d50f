// The CompleteMultipartUpload request body: writer and strict parser, round trips.
#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <ossmp/xml/complete_body.hpp>

using ossmp::completed_part;
using ossmp::errc;

namespace {
std::string vector_file(const std::string& rel) {
    std::ifstream in(std::string(OSSMP_SOURCE_DIR) + "/tests/vectors/xml/" + rel, std::ios::binary);
    REQUIRE(in.good());
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}
errc code_of(std::string_view body) {
    auto r = ossmp::parse_complete_body(body);
    return r ? errc::ok : r.error().code;
}
}  // namespace

TEST_CASE("complete body: the three SDK forms parse") {
    auto go2 = ossmp::parse_complete_body(vector_file("CompleteMultipartUploadRequest/go2_compact.xml"));
    REQUIRE(go2);
    CHECK(*go2 == std::vector<completed_part>{{1, "\"8EFDA8BE206636A695359836FE0A****\""},
                                              {2, "\"8C315065167132444177411FDA14****\""},
                                              {3, "\"3349DC700140D7F86A0784842780****\""}});
    auto docs = ossmp::parse_complete_body(vector_file("CompleteMultipartUploadRequest/docs_indented.xml"));
    REQUIRE(docs);
    REQUIRE(docs->size() == 3);
    CHECK((*docs)[1] == completed_part{5, "\"8EFDA8BE206636A695359836FE0A****\""});
    auto alioss = ossmp::parse_complete_body(vector_file("CompleteMultipartUploadRequest/alioss_declaration.xml"));
    REQUIRE(alioss);
    CHECK(alioss->size() == 1);
}

TEST_CASE("complete body: write then parse gives the sorted parts, last duplicate winning") {
    std::vector<completed_part> parts{{3, "\"c\""}, {1, "\"a&<>'\\\"\""}, {3, "\"c2\""}, {2, "tab\tcr\rlf\n"}};
    std::string body = ossmp::write_complete_body(parts);
    CHECK(body.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CompleteMultipartUpload>", 0) == 0);
    auto back = ossmp::parse_complete_body(body);
    REQUIRE(back);
    CHECK(*back == std::vector<completed_part>{{1, "\"a&<>'\\\"\""}, {2, "tab\tcr\rlf\n"}, {3, "\"c2\""}});
    CHECK(ossmp::write_complete_body(*back) == body);
}

TEST_CASE("complete body: parts are returned in document order, duplicates kept") {
    auto r = ossmp::parse_complete_body(
        "<CompleteMultipartUpload><Part><PartNumber>2</PartNumber><ETag>b</ETag></Part>"
        "<Part><ETag>a</ETag><PartNumber>1</PartNumber></Part>"
        "<Part><PartNumber>2</PartNumber><ETag>c</ETag></Part></CompleteMultipartUpload>");
    REQUIRE(r);
    CHECK(*r == std::vector<completed_part>{{2, "b"}, {1, "a"}, {2, "c"}});
}

TEST_CASE("complete body: strict refusals") {
    const std::string open = "<CompleteMultipartUpload>", close = "</CompleteMultipartUpload>";
    auto part = [](const std::string& inner) { return "<Part>" + inner + "</Part>"; };
    CHECK(code_of("") == errc::xml_syntax);  // complete-all sends no body
    CHECK(code_of("<Other/>") == errc::malformed_response);
    CHECK(code_of(open + close) == errc::ok);
    CHECK(code_of(open + part("<PartNumber>1</PartNumber>") + close) == errc::missing_field);
    CHECK(code_of(open + part("<ETag>a</ETag>") + close) == errc::missing_field);
    CHECK(code_of(open + part("<PartNumber>1</PartNumber><PartNumber>2</PartNumber><ETag>a</ETag>") + close) ==
          errc::malformed_response);
    CHECK(code_of(open + part("<PartNumber>1</PartNumber><ETag>a</ETag><ETag>b</ETag>") + close) ==
          errc::malformed_response);
    CHECK(code_of(open + part("<PartNumber>1</PartNumber><ETag>a</ETag><Size>1</Size>") + close) ==
          errc::malformed_response);
    CHECK(code_of(open + "<Extra/>" + close) == errc::malformed_response);
    CHECK(code_of(open + "text" + close) == errc::malformed_response);
    CHECK(code_of(open + part("x<PartNumber>1</PartNumber><ETag>a</ETag>") + close) == errc::malformed_response);
    for (const char* n : {"0", "10001", "-1", "+1", " 1", "1.0", "", "99999999999999999999999"}) {
        INFO(n);
        CHECK(code_of(open + part("<PartNumber>" + std::string(n) + "</PartNumber><ETag>a</ETag>") + close) ==
              errc::invalid_field);
    }
    CHECK(code_of(open + part("<PartNumber>10000</PartNumber><ETag>a</ETag>") + close) == errc::ok);
    CHECK(code_of(open + part("<PartNumber><b/></PartNumber><ETag>a</ETag>") + close) == errc::malformed_response);
    CHECK(code_of(open + part("<PartNumber>1</PartNumber><ETag>a</ETag>")) == errc::xml_syntax);  // truncated
    CHECK(code_of(open + close + "<x/>") == errc::xml_syntax);
    CHECK(code_of("<!DOCTYPE x [<!ENTITY e \"1\">]>" + open + close) == errc::xml_forbidden);
    auto e = ossmp::parse_complete_body(open + part("<PartNumber>0</PartNumber><ETag>a</ETag>") + close);
    REQUIRE(!e);
    CHECK(e.error().op == ossmp::operation::complete_multipart_upload);
    CHECK(e.error().message.find("'0'") != std::string::npos);
}
