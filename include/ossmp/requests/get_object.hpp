// ossmp: the GetObject request (GET /key, optionally a byte range), for reading back what
// was uploaded.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <ossmp/requests/common.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

/// Builds an unsigned GetObject request; `range` asks for those bytes only (HTTP 206).
inline result<http_request> make_get_object_request(const endpoint& ep, std::string_view bucket, std::string_view key,
                                                    std::optional<body_range> range = {}) {
    constexpr auto op = operation::get_object;
    if (key.empty()) return make_error(errc::invalid_object_key, "GetObject needs an object key", op);
    if (range && range->length == 0) return make_error(errc::invalid_argument, "GetObject range is empty", op);
    auto req = detail::start_request(op, "GET", ep, bucket, key);
    if (!req) return req;
    if (range)
        req->headers.set("Range", "bytes=" + std::to_string(range->offset) + "-" +
                                      std::to_string(range->offset + range->length - 1));
    return req;
}

}  // namespace ossmp::inline v0
