// Invariant: parse_complete_body accepts or refuses every input without crashing; for
// every accepted body, write_complete_body of its parts parses back to the parts sorted
// by number with the last duplicate kept, and writing those again gives the identical
// document (parse -> write -> parse -> write is stable).
#include <algorithm>
#include <vector>

#include <ossmp/xml/complete_body.hpp>

#include "fuzz_response.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view in(reinterpret_cast<const char*>(data), size);
    auto p1 = ossmp::parse_complete_body(in);
    if (!p1) {
        FUZZ_CHECK(p1.error().code != ossmp::errc::ok);
        return 0;
    }
    for (const auto& p : *p1) FUZZ_CHECK(p.part_number >= 1 && p.part_number <= 10000);
    std::string w1 = ossmp::write_complete_body(*p1);
    auto p2 = ossmp::parse_complete_body(w1);
    FUZZ_CHECK(p2.has_value());
    std::vector<ossmp::completed_part> expected = *p1;
    std::stable_sort(expected.begin(), expected.end(),
                     [](const auto& a, const auto& b) { return a.part_number < b.part_number; });
    std::vector<ossmp::completed_part> dedup;
    for (std::size_t i = 0; i < expected.size(); ++i)
        if (i + 1 == expected.size() || expected[i + 1].part_number != expected[i].part_number)
            dedup.push_back(expected[i]);
    FUZZ_CHECK(*p2 == dedup);
    FUZZ_CHECK(ossmp::write_complete_body(*p2) == w1);
    return 0;
}
