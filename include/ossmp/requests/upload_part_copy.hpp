// ossmp: the UploadPartCopy request (PUT /key?partNumber=N&uploadId=ID with
// x-oss-copy-source): OSS copies a byte range of an existing object into a part, so objects
// beyond the 1 GB CopyObject limit can be copied server-side.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <ossmp/requests/common.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

/// The object (or byte range of it) a part is copied from.
struct copy_source {
    std::string bucket;              ///< source bucket
    std::string key;                 ///< source key (raw)
    std::string version_id;          ///< source version, empty for the current one
    std::optional<body_range> range; ///< bytes to copy; the whole object when empty
    std::string if_match;            ///< copy only if the source ETag matches
    std::string if_none_match;       ///< copy only if the source ETag differs
    std::string if_modified_since;   ///< HTTP date condition
    std::string if_unmodified_since; ///< HTTP date condition
};

/// Builds an unsigned UploadPartCopy request copying `src` into part `part_number` of
/// `upload_id`. The source path is "/bucket/" + the key encoded with '/' kept (as the
/// official C++ and Go SDKs send it), plus "?versionId=" when a version is given. The
/// response is parsed by parse_copy_part_result.
inline result<http_request> make_upload_part_copy_request(const endpoint& ep, std::string_view bucket,
                                                          std::string_view key, std::string_view upload_id,
                                                          std::uint32_t part_number, const copy_source& src,
                                                          std::uint64_t traffic_limit = 0,
                                                          const dialect& d = oss_dialect) {
    constexpr auto op = operation::upload_part_copy;
    if (key.empty()) return make_error(errc::invalid_object_key, "UploadPartCopy needs an object key", op);
    if (auto c = detail::check_upload_id(upload_id, op); !c) return c.error();
    if (auto c = detail::check_part_number(part_number, op); !c) return c.error();
    if (auto c = detail::check_traffic_limit(traffic_limit, op); !c) return c.error();
    auto fail_src = [&](result<void> r) {
        auto e = r.error();
        e.op = op;
        e.part_number = part_number;
        e.message = "copy source: " + e.message;
        return e;
    };
    if (auto c = validate_bucket_name(src.bucket); !c) return fail_src(c);
    if (auto c = validate_object_key(src.key); !c) return fail_src(c);
    if (src.range) {
        if (src.range->length == 0)
            return make_error(errc::invalid_argument, "copy source range is empty", op, part_number);
        if (src.range->length > max_part_size)
            return make_error(errc::invalid_part_size, "copy source range exceeds the 5 GiB part limit", op,
                              part_number);
    }
    auto req = detail::start_request(op, "PUT", ep, bucket, key);
    if (!req) return req;
    auto& r = *req;
    r.part_number = part_number;
    r.query.push_back({"partNumber", std::to_string(part_number)});
    r.query.push_back({"uploadId", std::string(upload_id)});
    std::string source = "/" + src.bucket + "/";
    percent_encode_to(source, src.key, encode_mode::path);
    if (!src.version_id.empty()) {
        source += "?versionId=";
        percent_encode_to(source, src.version_id);
    }
    r.headers.set(d.copy_source_header, source);
    if (src.range)
        r.headers.set(d.copy_source_range_header,
                      "bytes=" + std::to_string(src.range->offset) + "-" +
                          std::to_string(src.range->offset + src.range->length - 1));
    const std::pair<std::string_view, const std::string*> conditions[] = {
        {d.copy_source_if_match_header, &src.if_match},
        {d.copy_source_if_none_match_header, &src.if_none_match},
        {d.copy_source_if_modified_since_header, &src.if_modified_since},
        {d.copy_source_if_unmodified_since_header, &src.if_unmodified_since},
    };
    for (auto [name, value] : conditions)
        if (auto h = detail::put_header(r, name, *value); !h) return h.error();
    if (traffic_limit)
        if (auto h = detail::put_header(r, d.traffic_limit_header, std::to_string(traffic_limit)); !h)
            return h.error();
    return req;
}

}  // namespace ossmp::inline v0
