// Invariant: parse_list_uploads_result answers every response with a result or an error,
// never crashing; in a success every upload has a non-empty upload id; an error names
// ListMultipartUploads and the status.
#include <ossmp/responses/list_uploads_result.hpp>

#include "fuzz_response.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto in = fuzz_support::make_response(data, size);
    auto r = ossmp::parse_list_uploads_result(in.resp);
    if (r) {
        fuzz_support::check_success_status(in.resp, r->info.http_status);
        for (const auto& u : r->uploads) FUZZ_CHECK(!u.upload_id.empty());
    } else {
        fuzz_support::check_error(r.error(), ossmp::operation::list_multipart_uploads, in.resp);
    }
    return 0;
}
