// Two translation units that include the whole library must link together: every
// function in the headers is inline and no header defines a non-inline variable.
#include <ossmp/ossmp.hpp>

std::string tu_b_digest(std::string_view s);

int main() {
    auto a = ossmp::hex_encode(ossmp::sha256::hash("two translation units"));
    auto b = tu_b_digest("two translation units");
    if (a != b) return 1;
    if (ossmp::crc64_of("123456789") != 0x995dc9bbdf1939faull) return 2;
    return 0;
}
