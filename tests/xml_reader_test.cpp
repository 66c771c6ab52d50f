// The strict XML pull reader: tokens, decoding, well-formedness, refusals and bounds.
#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <vector>

#include <ossmp/xml/reader.hpp>

using ossmp::errc;
using ossmp::xml::reader;
using ossmp::xml::reader_options;
using ossmp::xml::token;

namespace {

// The token stream as short strings: "<a>", "</a>", "'text'", "END", or "ERR" + errc.
std::vector<std::string> tokens(std::string_view doc, const reader_options& opt = {}) {
    reader r(doc, opt);
    std::vector<std::string> out;
    for (;;) {
        token t = r.next();
        switch (t) {
        case token::start_element: {
            std::string s = "<" + std::string(r.name());
            for (const auto& a : r.attributes()) s += " " + std::string(a.name) + "=" + std::string(a.value);
            out.push_back(s + ">");
            break;
        }
        case token::end_element: out.push_back("</" + std::string(r.name()) + ">"); break;
        case token::text: out.push_back("'" + std::string(r.text()) + "'"); break;
        case token::end_document: out.push_back("END"); return out;
        case token::error: out.push_back("ERR" + std::to_string(int(r.error().code))); return out;
        }
    }
}

// The error a document ends with (errc::ok if it is accepted) and its message.
std::pair<errc, std::string> outcome(std::string_view doc, const reader_options& opt = {}) {
    reader r(doc, opt);
    for (;;) {
        token t = r.next();
        if (t == token::end_document) return {errc::ok, ""};
        if (t == token::error) return {r.error().code, r.error().message};
    }
}

errc code_of(std::string_view doc, const reader_options& opt = {}) { return outcome(doc, opt).first; }

}  // namespace

TEST_CASE("reader: elements, text and the end of the document") {
    CHECK(tokens("<a><b>x</b><c/></a>") ==
          std::vector<std::string>{"<a>", "<b>", "'x'", "</b>", "<c>", "</c>", "</a>", "END"});
    CHECK(tokens("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<r>\n  <k>v</k>\n</r>\n") ==
          std::vector<std::string>{"<r>", "'\n  '", "<k>", "'v'", "</k>", "'\n'", "</r>", "END"});
    CHECK(tokens("<a/>") == std::vector<std::string>{"<a>", "</a>", "END"});
    CHECK(tokens("<a></a>") == std::vector<std::string>{"<a>", "</a>", "END"});
}

TEST_CASE("reader: plain text is a view into the document, decoded text is not") {
    std::string doc = "<a>plain</a>";
    reader r(doc);
    REQUIRE(r.next() == token::start_element);
    REQUIRE(r.next() == token::text);
    CHECK(r.text() == "plain");
    CHECK(r.text().data() == doc.data() + 3);  // zero-copy

    std::string doc2 = "<a>x&amp;y</a>";
    reader r2(doc2);
    REQUIRE(r2.next() == token::start_element);
    REQUIRE(r2.next() == token::text);
    CHECK(r2.text() == "x&y");
    CHECK((r2.text().data() < doc2.data() || r2.text().data() >= doc2.data() + doc2.size()));
}

TEST_CASE("reader: the five entities and character references") {
    CHECK(tokens("<a>&lt;&gt;&amp;&quot;&apos;</a>")[1] == "'<>&\"''");
    CHECK(tokens("<a>&#65;&#x42;&#x00e9;&#x4E2D;&#x1F600;</a>")[1] == "'AB\xC3\xA9\xE4\xB8\xAD\xF0\x9F\x98\x80'");
    CHECK(tokens("<a>&#34;8EFD&#34;</a>")[1] == "'\"8EFD\"'");  // go2's ETag escaping
    CHECK(tokens("<a>&#9;&#10;&#13;</a>")[1] == "'\t\n\r'");     // references keep CR
}

TEST_CASE("reader: invalid character references are syntax errors") {
    for (const char* doc : {"<a>&#0;</a>", "<a>&#x0;</a>", "<a>&#1;</a>", "<a>&#xD800;</a>", "<a>&#xDFFF;</a>",
                            "<a>&#xFFFE;</a>", "<a>&#xFFFF;</a>", "<a>&#x110000;</a>",
                            "<a>&#99999999999999999999999;</a>", "<a>&#;</a>", "<a>&#x;</a>", "<a>&#12a;</a>",
                            "<a>&#65</a>", "<a>& </a>", "<a>&</a>", "<a>&amp</a>"}) {
        INFO(doc);
        CHECK(code_of(doc) == errc::xml_syntax);
    }
}

TEST_CASE("reader: CDATA, comments and processing instructions") {
    CHECK(tokens("<a>x<![CDATA[<not a tag> & ]]>y</a>")[1] == "'x<not a tag> & y'");
    CHECK(tokens("<a>x<!-- comment -->y<?pi data?>z</a>")[1] == "'xyz'");
    CHECK(tokens("<a><!-- only a comment --></a>") == std::vector<std::string>{"<a>", "</a>", "END"});
    CHECK(tokens("<!-- before --><?pi?><a/><!-- after --><?pi x?>\n") ==
          std::vector<std::string>{"<a>", "</a>", "END"});
    CHECK(tokens("<?xml-stylesheet href=\"a\"?><a/>") == std::vector<std::string>{"<a>", "</a>", "END"});
    CHECK(code_of("<a><!-- a -- b --></a>") == errc::xml_syntax);
    CHECK(code_of("<a><!-- a ---></a>") == errc::xml_syntax);
    CHECK(code_of("<a><!-- unterminated </a>") == errc::xml_syntax);
    CHECK(code_of("<a><![CDATA[ unterminated </a>") == errc::xml_syntax);
    CHECK(code_of("<a>]]></a>") == errc::xml_syntax);
    CHECK(code_of("<a>]]</a>") == errc::ok);
    CHECK(code_of("<![CDATA[x]]><a/>") == errc::xml_syntax);  // CDATA outside the root
}

TEST_CASE("reader: the XML declaration") {
    CHECK(code_of("<?xml version=\"1.0\"?><a/>") == errc::ok);
    CHECK(code_of("<?xml version='1.1' encoding='utf-8' standalone='no'?><a/>") == errc::ok);
    CHECK(code_of("\xEF\xBB\xBF<?xml version=\"1.0\"?><a/>") == errc::ok);  // BOM
    CHECK(code_of(" <?xml version=\"1.0\"?><a/>") == errc::xml_syntax);     // not at the start
    CHECK(code_of("<a/><?xml version=\"1.0\"?>") == errc::xml_syntax);
    CHECK(code_of("<?xml?><a/>") == errc::xml_syntax);
    CHECK(code_of("<?xml version=\"2.0\"?><a/>") == errc::xml_syntax);
    CHECK(code_of("<?xml version=\"1.0\" standalone=\"maybe\"?><a/>") == errc::xml_syntax);
    CHECK(code_of("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a/>") == errc::xml_forbidden);
    CHECK(code_of("<?XML version=\"1.0\"?><a/>") == errc::xml_syntax);
}

TEST_CASE("reader: attributes, xmlns on the root, normalization and duplicates") {
    CHECK(tokens("<Error xmlns=\"http://doc.oss-cn-hangzhou.aliyuncs.com\"><Code>X</Code></Error>")[0] ==
          "<Error xmlns=http://doc.oss-cn-hangzhou.aliyuncs.com>");
    CHECK(tokens("<a x='1' y=\"&lt;&#65;\" z = \"a\tb\r\nc\"/>")[0] == "<a x=1 y=<A z=a b c>");
    reader r("<a p:q=\"v\" w=\"&amp;\" v=\"&quot;\"/>");
    REQUIRE(r.next() == token::start_element);
    REQUIRE(r.attributes().size() == 3);
    REQUIRE(r.find_attribute("w"));
    CHECK(r.find_attribute("w")->value == "&");  // decoded values survive later decoding
    CHECK(r.find_attribute("v")->value == "\"");
    CHECK(r.find_attribute("p:q")->value == "v");
    CHECK(r.find_attribute("none") == nullptr);
    CHECK(code_of("<a x=\"1\" x=\"2\"/>") == errc::xml_syntax);
    CHECK(code_of("<a x=\"1\"y=\"2\"/>") == errc::xml_syntax);
    CHECK(code_of("<a x=1/>") == errc::xml_syntax);
    CHECK(code_of("<a x=\"<\"/>") == errc::xml_syntax);
    CHECK(code_of("<a x=\"1/>") == errc::xml_syntax);
    CHECK(code_of("<a x/>") == errc::xml_syntax);
    reader_options few;
    few.max_attributes = 2;
    CHECK(code_of("<a x=\"1\" y=\"2\"/>", few) == errc::ok);
    CHECK(code_of("<a x=\"1\" y=\"2\" z=\"3\"/>", few) == errc::xml_limit);
}

TEST_CASE("reader: well-formedness errors, with the byte offset") {
    auto [code, message] = outcome("<a><b></a></b>");
    CHECK(code == errc::xml_syntax);
    CHECK(message.find("</a>") != std::string::npos);
    CHECK(message.find("at byte 6") != std::string::npos);
    CHECK(code_of("<a>") == errc::xml_syntax);                      // unclosed
    CHECK(code_of("<a><b>text") == errc::xml_syntax);               // truncated
    CHECK(code_of("<a><b>text</b") == errc::xml_syntax);
    CHECK(code_of("<a") == errc::xml_syntax);
    CHECK(code_of("") == errc::xml_syntax);                         // no root
    CHECK(code_of("   \n") == errc::xml_syntax);
    CHECK(code_of("text<a/>") == errc::xml_syntax);                 // text before the root
    CHECK(code_of("<a/>text") == errc::xml_syntax);                 // text after the root
    CHECK(code_of("<a/><b/>") == errc::xml_syntax);                 // two roots
    CHECK(code_of("<a/> \n\t") == errc::ok);
    CHECK(code_of("<1a/>") == errc::xml_syntax);                    // bad name
    CHECK(code_of("<a></a >") == errc::ok);
    CHECK(code_of("< a/>") == errc::xml_syntax);
    CHECK(code_of("<a>\x01</a>") == errc::xml_syntax);              // control character
    CHECK(code_of(std::string_view("<a>\0</a>", 8)) == errc::xml_syntax);
    CHECK(code_of("<a>\xC3</a>") == errc::xml_syntax);              // truncated UTF-8
    CHECK(code_of("<a>\xC0\xAF</a>") == errc::xml_syntax);          // overlong
    CHECK(code_of("<a>\xED\xA0\x80</a>") == errc::xml_syntax);      // surrogate
    CHECK(code_of("<a>\xEF\xBF\xBF</a>") == errc::xml_syntax);      // U+FFFF
    CHECK(code_of("<a>\xF4\x90\x80\x80</a>") == errc::xml_syntax);  // above U+10FFFF
    CHECK(code_of("<\xE4\xB8\xAD>\xE4\xB8\xAD</\xE4\xB8\xAD>") == errc::ok);
}

TEST_CASE("reader: errors are sticky and end_document repeats") {
    reader bad("<a><b></a>");
    token t;
    while ((t = bad.next()) != token::error) REQUIRE(t != token::end_document);
    CHECK(bad.next() == token::error);
    CHECK(bad.failed());
    reader good("<a/>");
    while (good.next() != token::end_document) {
    }
    CHECK(good.next() == token::end_document);
}

TEST_CASE("reader: CR LF is folded to LF in text") {
    CHECK(tokens("<a>x\r\ny\rz</a>")[1] == "'x\ny\nz'");
    CHECK(tokens("<a><![CDATA[x\r\ny]]></a>")[1] == "'x\ny'");
}

TEST_CASE("reader: DOCTYPE and custom entities are refused, so nothing can expand") {
    const char* billion_laughs =
        "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n"
        " <!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
        " <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n]>\n"
        "<lolz>&lol3;</lolz>";
    CHECK(code_of(billion_laughs) == errc::xml_forbidden);
    CHECK(code_of("<!DOCTYPE a SYSTEM \"file:///etc/passwd\"><a/>") == errc::xml_forbidden);
    CHECK(code_of("<a><!DOCTYPE a></a>") == errc::xml_forbidden);
    CHECK(code_of("<a><!ENTITY x \"y\"></a>") == errc::xml_forbidden);
    auto [code, message] = outcome("<a>&lol3;</a>");
    CHECK(code == errc::xml_forbidden);
    CHECK(message.find("lol3") != std::string::npos);
    CHECK(code_of("<a x=\"&ext;\"/>") == errc::xml_forbidden);
}

TEST_CASE("reader: depth is bounded") {
    std::string deep;
    for (int i = 0; i < 64; ++i) deep += "<d>";
    for (int i = 0; i < 64; ++i) deep += "</d>";
    CHECK(code_of(deep) == errc::ok);  // the default max_depth is 64
    std::string deeper = "<d>" + deep + "</d>";
    CHECK(code_of(deeper) == errc::xml_limit);
    std::string hostile;
    for (int i = 0; i < 100000; ++i) hostile += "<d>";
    auto [code, message] = outcome(hostile);
    CHECK(code == errc::xml_limit);
    CHECK(message.find("max_depth 64") != std::string::npos);
    reader_options shallow;
    shallow.max_depth = 2;
    CHECK(code_of("<a><b/></a>", shallow) == errc::ok);
    CHECK(code_of("<a><b><c/></b></a>", shallow) == errc::xml_limit);
}

TEST_CASE("reader: a document over max_document_size is refused before it is read") {
    reader_options small;
    small.max_document_size = 10;
    CHECK(code_of("<a>12</a>", small) == errc::ok);
    CHECK(code_of("<a>1234567</a>", small) == errc::xml_limit);
    // 100 MB of valid XML: refused by the 64 MiB default without a copy or a scan.
    std::string big;
    big.reserve(100u << 20);
    big = "<a>";
    big.append((100u << 20) - 7, 'x');
    big += "</a>";
    reader r(big);
    CHECK(r.next() == token::error);
    CHECK(r.error().code == errc::xml_limit);
    CHECK(r.offset() == 0);
    CHECK(r.error().message.find("max_document_size 67108864") != std::string::npos);
}

TEST_CASE("reader: read_text, skip_element and next_markup") {
    reader r("<r>\n  <k>v&amp;w</k>\n  <skip><deep><x/>t</deep></skip>\n  <e/><n><c/></n></r>");
    REQUIRE(r.next_markup() == token::start_element);
    CHECK(r.name() == "r");
    REQUIRE(r.next_markup() == token::start_element);
    std::string_view v;
    REQUIRE(r.read_text(v));
    CHECK(v == "v&w");
    REQUIRE(r.next_markup() == token::start_element);
    CHECK(r.name() == "skip");
    REQUIRE(r.skip_element());
    CHECK(r.depth() == 1);
    REQUIRE(r.next_markup() == token::start_element);
    REQUIRE(r.read_text(v));
    CHECK(v.empty());
    REQUIRE(r.next_markup() == token::start_element);
    CHECK(!r.read_text(v));  // a child where text was expected
    CHECK(r.error().code == errc::malformed_response);
    CHECK(r.error().message.find("<c>") != std::string::npos);
}

TEST_CASE("reader: next_markup reports text that is not only whitespace") {
    reader r("<r> <a/> x </r>");
    REQUIRE(r.next_markup() == token::start_element);
    REQUIRE(r.next_markup() == token::start_element);
    REQUIRE(r.next_markup() == token::end_element);
    REQUIRE(r.next_markup() == token::text);
    CHECK(r.text() == " x ");
    CHECK(r.next_markup() == token::end_element);
    CHECK(r.next_markup() == token::end_document);
}
