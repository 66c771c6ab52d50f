// ossmp: the UploadPart reply (headers only; the body is empty).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <ossmp/dialect.hpp>
#include <ossmp/http_response.hpp>
#include <ossmp/operation.hpp>
#include <ossmp/responses/response_info.hpp>
#include <ossmp/responses/service_error.hpp>
#include <ossmp/result.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

/// What UploadPart returned.
struct upload_part_result {
    std::string etag;                    ///< ETag header, quotes kept; never empty
    std::optional<std::uint64_t> crc64;  ///< CRC-64 of the part as OSS computed it, if sent
    std::string content_md5;             ///< Content-MD5 header (base64) or ""
    response_info info;
};

/// Parses an UploadPart response for part `part_number` (copied into any error).
///
/// Returns the result, or an error: the service's (see parse_service_error) when the reply
/// is an error of any form; errc::missing_field when a success has no (or an empty) ETag
/// header, since Complete cannot name the part without it; errc::invalid_field when the
/// CRC-64 header is present but not a decimal u64.
/// Next: compare `crc64` (when present) with the CRC of the bytes sent (a mismatch is
/// errc::crc_mismatch), then keep {part_number, etag} for Complete.
inline result<upload_part_result> parse_upload_part_result(const http_response& resp,
                                                           std::uint32_t part_number,
                                                           const dialect& d = oss_dialect) {
    constexpr operation op = operation::upload_part;
    if (auto e = parse_service_error(resp, op, part_number, d)) return std::move(*e);
    auto info = detail::read_response_info_for(resp, d, op, part_number);
    if (!info) return std::move(info).error();
    if (info->etag.empty()) {
        ossmp::error e = make_error(errc::missing_field, "UploadPart response has no ETag header", op,
                                    part_number);
        e.http_status = resp.status;
        e.request_id = info->request_id;
        return e;
    }
    upload_part_result r;
    r.etag = info->etag;
    r.crc64 = info->crc64;
    r.content_md5 = resp.headers.get_or("Content-MD5");
    r.info = std::move(*info);
    return r;
}

}  // namespace ossmp::inline v0
