// ossmp: the UploadPart request (PUT /key?partNumber=N&uploadId=ID). The request carries
// a byte range of the caller's source, never the bytes: the transport reads them.
//
// Every part of one upload shares the target, the upload id and the options; only the
// number, the range and the digest differ. upload_part_template::make validates the shared
// part once and stamps out each part's request cheaply (the upload machine sends thousands);
// make_upload_part_request is a template and one stamp.
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

/// The validated, shared part of every UploadPart request of one upload.
class upload_part_template {
public:
    /// The unsigned request for part `part_number` (1..10000) whose body is `range` of the
    /// caller's source (at most 5 GiB; OSS checks the 100 KiB minimum of non-last parts only
    /// at Complete), with Content-MD5 `content_md5` when not empty. Errors:
    /// errc::invalid_part_number, errc::invalid_part_size, errc::invalid_header_value.
    result<http_request> request(std::uint32_t part_number, body_range range,
                                 std::string_view content_md5 = {}) const {
        constexpr auto op = operation::upload_part;
        if (auto c = detail::check_part_number(part_number, op); !c) return c.error();
        if (range.length > max_part_size)
            return make_error(errc::invalid_part_size,
                              "part of " + std::to_string(range.length) + " bytes exceeds the 5 GiB limit", op,
                              part_number);
        http_request r = base_;
        r.part_number = part_number;
        r.query.reserve(2);
        r.query.push_back({"partNumber", std::to_string(part_number)});
        r.query.push_back({"uploadId", upload_id_});
        r.source = range;
        if (auto h = detail::put_header(r, "Content-MD5", content_md5); !h) return h.error();
        if (traffic_limit_)
            if (auto h = detail::put_header(r, traffic_limit_header_, std::to_string(traffic_limit_)); !h)
                return h.error();
        return r;
    }

    /// The upload id the parts belong to.
    const std::string& upload_id() const noexcept { return upload_id_; }

    /// The shared part of the UploadPart requests of `upload_id` for bucket/key on `ep`, with
    /// the dialect's traffic-limit header `traffic_limit` (bit/s, 0 = none). Errors: the
    /// bucket, key, upload id or traffic limit is invalid.
    static result<upload_part_template> make(const endpoint& ep, std::string_view bucket, std::string_view key,
                                             std::string_view upload_id, std::uint64_t traffic_limit,
                                             const dialect& d) {
        constexpr auto op = operation::upload_part;
        if (key.empty()) return make_error(errc::invalid_object_key, "UploadPart needs an object key", op);
        if (auto c = detail::check_upload_id(upload_id, op); !c) return c.error();
        if (auto c = detail::check_traffic_limit(traffic_limit, op); !c) return c.error();
        auto req = detail::start_request(op, "PUT", ep, bucket, key);
        if (!req) return req.error();
        upload_part_template t;
        t.base_ = std::move(*req);
        t.upload_id_.assign(upload_id);
        t.traffic_limit_ = traffic_limit;
        t.traffic_limit_header_ = d.traffic_limit_header;
        return t;
    }

private:
    http_request base_;
    std::string upload_id_;
    std::uint64_t traffic_limit_ = 0;
    std::string_view traffic_limit_header_;
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
    auto t = upload_part_template::make(ep, bucket, key, upload_id, o.traffic_limit, d);
    if (!t) return t.error();
    return t->request(part_number, range, o.content_md5);
}

}  // namespace ossmp::inline v0
