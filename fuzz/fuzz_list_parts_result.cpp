// Invariant: parse_list_parts_result answers every response with a result or an error,
// never crashing, hanging or exhausting memory; in a success every part number is in
// 1..10000, both markers are at most 10000, and a truncated page was read from a
// document; an error names ListParts and the status.
#include <ossmp/responses/list_parts_result.hpp>

#include "fuzz_response.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto in = fuzz_support::make_response(data, size);
    auto r = ossmp::parse_list_parts_result(in.resp);
    if (r) {
        fuzz_support::check_success_status(in.resp, r->info.http_status);
        FUZZ_CHECK(!in.resp.body.empty());
        FUZZ_CHECK(r->part_number_marker <= 10000 && r->next_part_number_marker <= 10000);
        for (const auto& p : r->parts) FUZZ_CHECK(p.part_number >= 1 && p.part_number <= 10000);
    } else {
        fuzz_support::check_error(r.error(), ossmp::operation::list_parts, in.resp);
    }
    return 0;
}
