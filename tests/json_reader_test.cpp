// The JSON reader (ossmp/json/reader.hpp): RFC 8259 strictly, bounds, and errors that give
// a byte offset but never quote the document.
#include <catch2/catch.hpp>

#include <string>

#include <ossmp/json/reader.hpp>

using namespace ossmp;

namespace {
json::value ok_parse(std::string_view doc) {
    auto r = json::parse(doc);
    INFO(std::string(doc));
    REQUIRE(r);
    return std::move(r).value();
}
error bad_parse(std::string_view doc, const json::reader_options& opt = {}) {
    auto r = json::parse(doc, opt);
    INFO(std::string(doc));
    REQUIRE_FALSE(r);
    return r.error();
}
}  // namespace

TEST_CASE("json: scalars at the top level") {
    CHECK(ok_parse("null").is_null());
    CHECK(ok_parse("true").as_bool());
    CHECK(ok_parse(" false ").is_bool());
    CHECK_FALSE(ok_parse("false").as_bool());
    CHECK(ok_parse("\"x\"").as_string() == "x");
    auto n = ok_parse("-12.5e+3");
    CHECK(n.is_number());
    CHECK(n.number_text() == "-12.5e+3");
    CHECK_FALSE(n.as_int64());
    CHECK(ok_parse("0").as_int64() == 0);
    CHECK(ok_parse("-9223372036854775808").as_int64() == INT64_MIN);
    CHECK_FALSE(ok_parse("9223372036854775808").as_int64());  // valid JSON, does not fit
    CHECK(ok_parse("\t\r\n 7 \n").as_int64() == 7);
}

TEST_CASE("json: objects and arrays keep order; lookups by kind") {
    auto v = ok_parse(R"({"a": [1, "two", {"x": null}], "b": {}, "c": [], "": true})");
    REQUIRE(v.is_object());
    REQUIRE(v.size() == 4);
    CHECK(v.key(0) == "a");
    CHECK(v.key(3) == "");
    const json::value* a = v.find("a");
    REQUIRE(a);
    REQUIRE(a->is_array());
    REQUIRE(a->size() == 3);
    CHECK((*a)[0].as_int64() == 1);
    CHECK((*a)[1].as_string() == "two");
    CHECK((*a)[2].find("x")->is_null());
    CHECK(v.find("b")->is_object());
    CHECK(v.find("b")->size() == 0);
    CHECK(v.find("c")->size() == 0);
    CHECK(v.find("")->as_bool());
    CHECK(v.find("missing") == nullptr);
    // Wrong-kind lookups answer "nothing".
    CHECK(a->find("a") == nullptr);
    CHECK(a->key(0).empty());
    CHECK((*a)[1].as_int64() == std::nullopt);
    CHECK((*a)[0].as_string().empty());
}

TEST_CASE("json: string escapes, UTF-8 and surrogate pairs") {
    CHECK(ok_parse(R"("\"\\\/\b\f\n\r\t")").as_string() == "\"\\/\b\f\n\r\t");
    CHECK(ok_parse(R"("\u0041\u00e9\u20AC")").as_string() == "A\xC3\xA9\xE2\x82\xAC");
    CHECK(ok_parse(R"("\ud83d\ude00")").as_string() == "\xF0\x9F\x98\x80");  // U+1F600
    CHECK(ok_parse(R"("\u0000")").as_string() == std::string(1, '\0'));
    CHECK(ok_parse("\"caf\xC3\xA9 \xF0\x9F\x98\x80 \xEF\xBF\xBF\"").as_string() ==
          "caf\xC3\xA9 \xF0\x9F\x98\x80 \xEF\xBF\xBF");  // U+FFFF is fine in JSON
}

TEST_CASE("json: refused escapes and encodings name the byte offset") {
    auto e = bad_parse(R"("ab\ude00")");
    CHECK(e.code == errc::json_syntax);
    CHECK(e.message == "JSON: low surrogate escape without a high one before it at byte 3");
    CHECK(bad_parse(R"("\ud83d")").message.find("high surrogate") != std::string::npos);
    CHECK(bad_parse(R"("\ud83d\u0041")").message.find("high surrogate") != std::string::npos);
    CHECK(bad_parse(R"("\ud83dx")").code == errc::json_syntax);
    CHECK(bad_parse(R"("\u12G4")").message == "JSON: \\u must be followed by four hex digits at byte 1");
    CHECK(bad_parse(R"("\x")").message == "JSON: invalid escape at byte 1");
    CHECK(bad_parse("\"a\tb\"").message == "JSON: unescaped control character in a string at byte 2");
    CHECK(bad_parse("\"\xC0\xAF\"").message == "JSON: invalid UTF-8 in a string at byte 1");   // overlong '/'
    CHECK(bad_parse("\"\xED\xA0\x80\"").code == errc::json_syntax);                          // raw surrogate
    CHECK(bad_parse("\"\xF4\x90\x80\x80\"").code == errc::json_syntax);                      // > U+10FFFF
    CHECK(bad_parse("\"\xE2\x82\"").code == errc::json_syntax);                              // truncated
    CHECK(bad_parse("\"\x80\"").code == errc::json_syntax);                                  // stray continuation
    CHECK(bad_parse("\"abc").message == "JSON: unterminated string starting at byte 0");
}

TEST_CASE("json: the grammar is RFC 8259 and nothing more") {
    for (const char* doc : {"", "   ", "{", "[1,]", "[1 2]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "{'a':1}",
                            "[01]", "[-]", "[1.]", "[.5]", "[1e]", "[+1]", "NaN", "Infinity", "tru", "nul",
                            "[true false]", "1 2", "// c\n1", "/* c */ 1", "{\"a\":1}}", "\"a\" x"}) {
        auto r = json::parse(doc);
        INFO(doc);
        CHECK_FALSE(r);
        if (!r) CHECK(r.error().code == errc::json_syntax);
    }
    CHECK(bad_parse("").message == "JSON: empty document at byte 0");
    CHECK(bad_parse("[1,]").message == "JSON: unexpected character, expected a value at byte 3");
    CHECK(bad_parse("{\"a\":1} x").message == "JSON: unexpected data after the value at byte 8");
    CHECK(bad_parse("\xEF\xBB\xBF{}").message == "JSON: byte order mark before the value at byte 0");
}

TEST_CASE("json: a member name may appear once") {
    auto e = bad_parse(R"({"b":1,"a":2,"b":3})");
    CHECK(e.code == errc::json_syntax);
    CHECK(e.message == "JSON: duplicate member name at byte 13");
    // Escapes are decoded before comparing: "\u0061" is "a".
    CHECK(bad_parse(R"({"a":1,"\u0061":2})").message == "JSON: duplicate member name at byte 7");
    CHECK(json::parse(R"({"a":{"a":1},"b":{"a":2}})"));  // same name in different objects is fine
}

TEST_CASE("json: bounds are errc::json_limit") {
    json::reader_options tight;
    tight.max_document_size = 10;
    auto e = bad_parse("[1,2,3,4,5,6]", tight);
    CHECK(e.code == errc::json_limit);
    CHECK(e.message == "JSON: document of 13 bytes exceeds max_document_size 10");

    json::reader_options shallow;
    shallow.max_depth = 2;
    CHECK(json::parse("[[1]]", shallow));
    auto d = bad_parse("[[[1]]]", shallow);
    CHECK(d.code == errc::json_limit);
    CHECK(d.message == "JSON: nesting deeper than max_depth 2 at byte 2");
    CHECK(bad_parse(R"({"a":{"b":{}}})", shallow).code == errc::json_limit);

    json::reader_options few;
    few.max_values = 4;
    CHECK(json::parse("[1,2,3]", few));  // the array and three numbers
    CHECK(bad_parse("[1,2,3,4]", few).code == errc::json_limit);

    // The default depth bound stops a deep document long before the stack would.
    std::string deep(100000, '[');
    CHECK(bad_parse(deep).code == errc::json_limit);
}

TEST_CASE("json: error messages never quote the document") {
    const std::string secret = "wJalrXUtnFEMIK7MDENGbPxRfiCY";
    for (std::string doc : {"{\"AccessKeySecret\": \"" + secret + "\" x}", "{\"" + secret + "\": 1, \"" + secret + "\": 2}",
                            "[\"" + secret + "\", " + secret + "]", "{\"k\": \"" + secret + "\t\"}"}) {
        auto r = json::parse(doc);
        REQUIRE_FALSE(r);
        CHECK(r.error().message.find(secret) == std::string::npos);
        CHECK(r.error().message.find("wJal") == std::string::npos);
    }
}
