#include <ossmp/ossmp.hpp>

std::string tu_b_digest(std::string_view s) { return ossmp::hex_encode(ossmp::sha256::hash(s)); }
