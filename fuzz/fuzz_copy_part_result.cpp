// Invariant: parse_copy_part_result answers every response with a result or an error,
// never crashing; a success has a 2xx status and a non-empty ETag; an error names
// UploadPartCopy, the part number and the status.
#include <ossmp/responses/copy_part_result.hpp>

#include "fuzz_response.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto in = fuzz_support::make_response(data, size);
    std::uint32_t part = in.flags >> 3;
    auto r = ossmp::parse_copy_part_result(in.resp, part);
    if (r) {
        fuzz_support::check_success_status(in.resp, r->info.http_status);
        FUZZ_CHECK(!r->etag.empty());
    } else {
        fuzz_support::check_error(r.error(), ossmp::operation::upload_part_copy, in.resp);
        FUZZ_CHECK(r.error().part_number == part);
    }
    return 0;
}
