// ossmp: the DeleteObject request (DELETE /key).
#pragma once

#include <string_view>

#include <ossmp/requests/common.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

/// Builds an unsigned DeleteObject request (HTTP 204 whether or not the object existed).
inline result<http_request> make_delete_object_request(const endpoint& ep, std::string_view bucket,
                                                       std::string_view key) {
    constexpr auto op = operation::delete_object;
    if (key.empty()) return make_error(errc::invalid_object_key, "DeleteObject needs an object key", op);
    return detail::start_request(op, "DELETE", ep, bucket, key);
}

}  // namespace ossmp::inline v0
