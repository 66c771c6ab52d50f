// ossmp: the PutBucket request (PUT / on a bucket), creating a bucket.
#pragma once

#include <string_view>

#include <ossmp/requests/common.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

/// Builds an unsigned PutBucket request creating `bucket` (HTTP 200; 409 if it exists).
inline result<http_request> make_create_bucket_request(const endpoint& ep, std::string_view bucket) {
    return detail::start_request(operation::create_bucket, "PUT", ep, bucket, {});
}

}  // namespace ossmp::inline v0
