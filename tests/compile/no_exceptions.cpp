// Built with -fno-exceptions: the library must compile and behave without exceptions.
// Exercises the fallible paths (results carrying errors) as well as the happy ones.
#include <ossmp/ossmp.hpp>

#include <cstdio>

#define CHECK(cond)                                                      \
    do {                                                                 \
        if (!(cond)) {                                                   \
            std::fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
            return 1;                                                    \
        }                                                                \
    } while (0)

int main() {
    auto bad = ossmp::percent_decode("%zz");
    CHECK(!bad);
    CHECK(bad.error().code == ossmp::errc::invalid_encoding);
    auto good = ossmp::percent_decode("a%20b");
    CHECK(good && *good == "a b");
    auto b64 = ossmp::base64_decode("aGVsbG8=");
    CHECK(b64 && *b64 == "hello");
    CHECK(ossmp::hex_encode(ossmp::md5::hash("abc")) == "900150983cd24fb0d6963f7d28e17f72");
    std::puts("no-exceptions build OK");
    return 0;
}
