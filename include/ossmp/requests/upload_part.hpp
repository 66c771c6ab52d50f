// ossmp: the UploadPart request (PUT /key?partNumber=N&uploadId=ID). The request carries
// a byte range of the caller's source, never the bytes: the transport reads them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <ossmp/requests/common.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

/// Per-part options.
struct upload_part_options {
    std::string content_md5;       ///< base64 MD5 of the part's bytes; OSS rejects a mismatch
    std::uint64_t traffic_limit = 0;  ///< bit/s, 819200..838860800; 0 = unlimited
};

/// Builds an unsigned UploadPart request for part `part_number` (1..10000) of `upload_id`,
/// whose body is `range` of the caller's source (at most 5 GiB; OSS checks the 100 KiB
/// minimum of non-last parts only at Complete). The transport sends `range.length` bytes
/// read from the source at `range.offset`. The response is parsed by
/// parse_upload_part_result; keep its ETag for Complete.
inline result<http_request> make_upload_part_request(const endpoint& ep, std::string_view bucket,
                                                     std::string_view key, std::string_view upload_id,
                                                     std::uint32_t part_number, body_range range,
                                                     const upload_part_options& o = {},
                                                     const dialect& d = oss_dialect) {
    constexpr auto op = operation::upload_part;
    if (key.empty()) return make_error(errc::invalid_object_key, "UploadPart needs an object key", op);
    if (auto c = detail::check_upload_id(upload_id, op); !c) return c.error();
    if (auto c = detail::check_part_number(part_number, op); !c) return c.error();
    if (range.length > max_part_size)
        return make_error(errc::invalid_part_size,
                          "part of " + std::to_string(range.length) + " bytes exceeds the 5 GiB limit", op, part_number);
    if (auto c = detail::check_traffic_limit(o.traffic_limit, op); !c) return c.error();
    auto req = detail::start_request(op, "PUT", ep, bucket, key);
    if (!req) return req;
    auto& r = *req;
    r.part_number = part_number;
    r.query.push_back({"partNumber", std::to_string(part_number)});
    r.query.push_back({"uploadId", std::string(upload_id)});
    r.source = range;
    if (auto h = detail::put_header(r, "Content-MD5", o.content_md5); !h) return h.error();
    if (o.traffic_limit)
        if (auto h = detail::put_header(r, d.traffic_limit_header, std::to_string(o.traffic_limit)); !h)
            return h.error();
    return req;
}

}  // namespace ossmp::inline v0
