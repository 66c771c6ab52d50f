// Invariant: parse_initiate_result answers every response (any status, body, headers,
// x-oss-err header) with a result or an error, never crashing, hanging or exhausting
// memory; a success has a 2xx status and a non-empty upload id; an error names
// InitiateMultipartUpload and the status, with a bounded message.
#include <ossmp/responses/initiate_result.hpp>

#include "fuzz_response.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto in = fuzz_support::make_response(data, size);
    auto r = ossmp::parse_initiate_result(in.resp);
    if (r) {
        fuzz_support::check_success_status(in.resp, r->info.http_status);
        FUZZ_CHECK(!r->upload_id.empty());
        FUZZ_CHECK(r->encoding_type.empty() || r->encoding_type.size() == 3);
    } else {
        fuzz_support::check_error(r.error(), ossmp::operation::initiate_multipart_upload, in.resp);
    }
    return 0;
}
