// Invariant: parse_checkpoint accepts or refuses every input without crashing or
// hanging; an accepted checkpoint written with to_text parses back equal, and writing it
// again gives the identical text (parse -> write -> parse -> write is stable).
#include <ossmp/upload/checkpoint.hpp>

#include "fuzz_response.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view in(reinterpret_cast<const char*>(data), size);
    auto c1 = ossmp::parse_checkpoint(in);
    if (!c1) {
        FUZZ_CHECK(c1.error().code == ossmp::errc::checkpoint_invalid);
        return 0;
    }
    for (std::size_t i = 1; i < c1->parts.size(); ++i)
        FUZZ_CHECK(c1->parts[i - 1].part_number < c1->parts[i].part_number);
    auto text = ossmp::to_text(*c1);
    auto c2 = ossmp::parse_checkpoint(text);
    FUZZ_CHECK(c2.has_value());
    FUZZ_CHECK(*c2 == *c1);
    FUZZ_CHECK(ossmp::to_text(*c2) == text);
    return 0;
}
