// ossmp: the AbortMultipartUpload request (DELETE /key?uploadId=ID). Afterwards OSS frees
// the uploaded parts and answers NoSuchUpload for the id.
#pragma once

#include <string_view>

#include <ossmp/requests/common.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

/// Builds an unsigned AbortMultipartUpload request. Success is HTTP 204 with no body.
inline result<http_request> make_abort_request(const endpoint& ep, std::string_view bucket, std::string_view key,
                                               std::string_view upload_id) {
    constexpr auto op = operation::abort_multipart_upload;
    if (key.empty()) return make_error(errc::invalid_object_key, "AbortMultipartUpload needs an object key", op);
    if (auto c = detail::check_upload_id(upload_id, op); !c) return c.error();
    auto req = detail::start_request(op, "DELETE", ep, bucket, key);
    if (!req) return req;
    req->query.push_back({"uploadId", std::string(upload_id)});
    return req;
}

}  // namespace ossmp::inline v0
