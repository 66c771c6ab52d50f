// Invariant: parse_service_error answers every response (status from byte 0; body, or
// base64 in the x-oss-err header, per byte 1) without crashing: any status outside
// 200..299 is an error; every error carries the operation, part number and status, an
// errc of the service or response bands, a non-empty bounded message and at most 32
// details; classify() accepts it.
#include <ossmp/responses/retry_advice.hpp>
#include <ossmp/responses/service_error.hpp>

#include "fuzz_response.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto in = fuzz_support::make_response(data, size);
    auto op = static_cast<ossmp::operation>((in.flags >> 3) % 13);
    std::uint32_t part = (in.flags & 4) ? 7 : 0;
    auto e = ossmp::parse_service_error(in.resp, op, part);
    const int st = in.resp.status;
    if (st < 200 || st > 299) FUZZ_CHECK(e.has_value());
    if (e) {
        fuzz_support::check_error(*e, op, in.resp);
        FUZZ_CHECK(e->part_number == part);
        FUZZ_CHECK(!e->message.empty() || !e->oss_code.empty());
        FUZZ_CHECK(e->code == ossmp::errc::service_error || e->code == ossmp::errc::no_such_upload ||
                   e->code == ossmp::errc::callback_failed || e->code == ossmp::errc::malformed_response);
        if (e->code == ossmp::errc::no_such_upload) FUZZ_CHECK(e->oss_code == "NoSuchUpload");
    }
    return 0;
}
