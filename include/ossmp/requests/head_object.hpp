// ossmp: the HeadObject request (HEAD /key).
#pragma once

#include <string_view>

#include <ossmp/requests/common.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

/// Builds an unsigned HeadObject request (metadata, ETag, size and CRC-64 in the headers).
inline result<http_request> make_head_object_request(const endpoint& ep, std::string_view bucket,
                                                     std::string_view key) {
    constexpr auto op = operation::head_object;
    if (key.empty()) return make_error(errc::invalid_object_key, "HeadObject needs an object key", op);
    return detail::start_request(op, "HEAD", ep, bucket, key);
}

}  // namespace ossmp::inline v0
