// ossmp: the PutObject request (PUT /key), a single-request upload for small objects and
// for the emulator's tests. The body is a range of the caller's source, as for parts.
#pragma once

#include <string_view>

#include <ossmp/requests/common.hpp>
#include <ossmp/requests/initiate.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

/// Builds an unsigned PutObject request whose body is `range` of the caller's source (at
/// most 5 GiB). Object options are those of InitiateMultipartUpload except `sequential`
/// and `url_encoding`, which do not apply and are ignored. `content_md5` is optional.
inline result<http_request> make_put_object_request(const endpoint& ep, std::string_view bucket, std::string_view key,
                                                    body_range range, const initiate_options& o = {},
                                                    std::string_view content_md5 = {},
                                                    const dialect& d = oss_dialect) {
    constexpr auto op = operation::put_object;
    if (range.length > max_part_size)
        return make_error(errc::object_too_large, "PutObject is limited to 5 GiB; use a multipart upload", op);
    // Same object options as Initiate; only the operation line differs.
    initiate_options opts = o;
    opts.sequential = false;
    opts.url_encoding = false;
    auto req = make_initiate_request(ep, bucket, key, opts, d);
    if (!req) {
        auto e = std::move(req).error();
        e.op = op;
        return e;
    }
    auto& r = *req;
    r.op = op;
    r.method = "PUT";
    r.query.clear();
    r.source = range;
    if (auto h = detail::put_header(r, "Content-MD5", content_md5); !h) return h.error();
    return req;
}

}  // namespace ossmp::inline v0
