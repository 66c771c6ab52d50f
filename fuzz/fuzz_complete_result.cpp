// Invariant: parse_complete_result answers every response, with or without a requested
// callback (flag bit 2), with a result or an error, never crashing; a 203 is always
// errc::callback_failed; a success has a 2xx status other than 203, keeps the raw body as
// callback_body exactly when a callback was requested, and without a callback has an ETag.
#include <ossmp/responses/complete_result.hpp>

#include "fuzz_response.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto in = fuzz_support::make_response(data, size);
    auto cb = (in.flags & 4) ? ossmp::complete_callback::requested : ossmp::complete_callback::none;
    auto r = ossmp::parse_complete_result(in.resp, cb);
    if (r) {
        fuzz_support::check_success_status(in.resp, r->info.http_status);
        FUZZ_CHECK(in.resp.status != 203);
        if (cb == ossmp::complete_callback::requested) {
            FUZZ_CHECK(r->callback_body == in.resp.body);
        } else {
            FUZZ_CHECK(r->callback_body.empty());
            FUZZ_CHECK(!r->etag.empty());
        }
    } else {
        fuzz_support::check_error(r.error(), ossmp::operation::complete_multipart_upload, in.resp);
        if (in.resp.status == 203) FUZZ_CHECK(r.error().code == ossmp::errc::callback_failed);
    }
    return 0;
}
