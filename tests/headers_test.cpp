#include <catch2/catch.hpp>

#include <ossmp/headers.hpp>

using namespace ossmp;

TEST_CASE("header lookup ignores case", "[headers]") {
    headers h{{"Content-Type", "text/plain"}, {"x-oss-meta-A", "1"}};
    CHECK(h.get("content-type") == "text/plain");
    CHECK(h.get("CONTENT-TYPE") == "text/plain");
    CHECK(h.contains("X-OSS-META-a"));
    CHECK_FALSE(h.get("Content-Length").has_value());
    CHECK(h.get_or("Content-Length", "0") == "0");
}

TEST_CASE("set replaces every field of the name, keeping the first position", "[headers]") {
    headers h;
    h.add("A", "1");
    h.add("b", "2");
    h.add("a", "3");
    h.set("A", "9");
    REQUIRE(h.size() == 2);
    CHECK(h.begin()->name == "A");
    CHECK(h.begin()->value == "9");
    h.set("c", "4");
    CHECK(h.size() == 3);
    CHECK(h.erase("B") == 1);
    CHECK(h.size() == 2);
    CHECK(h.erase("missing") == 0);
}
