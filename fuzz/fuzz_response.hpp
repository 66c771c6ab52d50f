// Shared by the response fuzz targets: turns fuzz bytes into an http_response, so one input
// format covers status codes, header-borne errors and header values.
//
// Layout: byte 0 picks the status from `statuses`; byte 1 holds flags:
//   bit 0  the rest goes base64-encoded into the error header and the body stays empty;
//   bit 1  the rest starts with header lines "Name: value\n" ended by an empty line;
//   bit 2  target-specific (e.g. a callback was requested);
//   bits 3..7 target-specific choice (operation, part number).
// Inputs shorter than two bytes are read as status 200, no flags, body = input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <ossmp/crypto/base64.hpp>
#include <ossmp/dialect.hpp>
#include <ossmp/http_response.hpp>

namespace fuzz_support {

inline constexpr int statuses[16] = {200, 200, 200, 200, 203, 204, 206, 400,
                                     403, 404, 409, 500, 503, 302, 0, 100};

struct decoded_input {
    ossmp::http_response resp;
    std::uint8_t flags = 0;
};

inline decoded_input make_response(const std::uint8_t* data, std::size_t size) {
    decoded_input in;
    std::string_view bytes(reinterpret_cast<const char*>(data), size);
    if (size < 2) {
        in.resp.status = 200;
        in.resp.body.assign(bytes);
        return in;
    }
    in.resp.status = statuses[data[0] & 15];
    in.flags = data[1];
    bytes.remove_prefix(2);
    if (in.flags & 2) {
        while (!bytes.empty()) {
            auto nl = bytes.find('\n');
            std::string_view line = bytes.substr(0, nl);
            bytes.remove_prefix(nl == std::string_view::npos ? bytes.size() : nl + 1);
            if (line.empty()) break;
            auto colon = line.find(':');
            if (colon == std::string_view::npos) continue;
            std::string_view value = line.substr(colon + 1);
            if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
            in.resp.headers.add(line.substr(0, colon), value);
        }
    }
    if (in.flags & 1)
        in.resp.headers.add(ossmp::oss_dialect.error_header, ossmp::base64_encode(bytes));
    else
        in.resp.body.assign(bytes);
    return in;
}

}  // namespace fuzz_support

#define FUZZ_CHECK(cond)             \
    do {                             \
        if (!(cond)) __builtin_trap(); \
    } while (0)

#include <ossmp/error.hpp>
#include <ossmp/operation.hpp>
#include <ossmp/responses/retry_advice.hpp>

namespace fuzz_support {

/// What every parse_* error must satisfy: a real errc, the operation and status it came
/// from, a bounded message, and a classification that does not crash.
inline void check_error(const ossmp::error& e, ossmp::operation op, const ossmp::http_response& resp) {
    FUZZ_CHECK(e.code != ossmp::errc::ok);
    FUZZ_CHECK(e.op == op);
    FUZZ_CHECK(e.http_status == resp.status);
    FUZZ_CHECK(e.message.size() <= 9000);
    FUZZ_CHECK(e.details.size() <= 32);
    (void)ossmp::classify(e);
    (void)e.what();
}

/// What every parse_* success must satisfy.
inline void check_success_status(const ossmp::http_response& resp, int info_status) {
    FUZZ_CHECK(resp.status >= 200 && resp.status <= 299);
    FUZZ_CHECK(info_status == resp.status);
}

}  // namespace fuzz_support
