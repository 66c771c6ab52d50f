// ossmp: the CompleteMultipartUpload reply.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <ossmp/dialect.hpp>
#include <ossmp/http_response.hpp>
#include <ossmp/operation.hpp>
#include <ossmp/responses/detail/document.hpp>
#include <ossmp/responses/response_info.hpp>
#include <ossmp/responses/service_error.hpp>
#include <ossmp/result.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

/// Whether the Complete request carried a callback (dialect.callback_header). The parser
/// cannot tell from the reply alone: with a callback, OSS relays the callback server's
/// answer as the body (often JSON), so the XML result is absent by design, not by fault.
enum class complete_callback : std::uint8_t {
    none,       ///< no callback: the body must be <CompleteMultipartUploadResult>
    requested,  ///< a callback was requested: the body is the callback server's reply
};

/// What CompleteMultipartUpload returned.
struct complete_result {
    std::string bucket;         ///< "" when a callback was requested
    std::string key;            ///< percent-decoded under EncodingType url; "" with a callback
    std::string etag;           ///< <ETag>, else the ETag header; quotes kept
    std::string location;       ///< <Location> (decoded under url), "" if absent
    std::string encoding_type;  ///< "url" or ""
    std::string version_id;     ///< dialect.version_id_header, "" when unversioned
    std::optional<std::uint64_t> crc64;  ///< CRC-64 of the whole object, if OSS sent it
    std::string callback_body;  ///< the callback server's reply, raw ("" without a callback)
    response_info info;
};

/// Parses a CompleteMultipartUpload response. `callback` says whether the request had a
/// callback header (see complete_callback).
///
/// Returns the result, or an error: errc::callback_failed for a 203 (the object IS
/// stored; the callback server failed; details from the body or header); the service's
/// error (see parse_service_error) for any other error form; errc::xml_* when a body
/// that must be XML is not acceptable; errc::malformed_response for another root or a
/// duplicated element; errc::missing_field when <Bucket> or <Key> is absent, or no ETag is
/// found in the body or the header; errc::invalid_field / invalid_encoding for a bad
/// EncodingType, percent-encoding or CRC header. Unknown elements are ignored.
/// Next: compare `crc64` (when present) with the CRC combined from the parts.
inline result<complete_result> parse_complete_result(const http_response& resp,
                                                     complete_callback callback = complete_callback::none,
                                                     const dialect& d = oss_dialect) {
    constexpr operation op = operation::complete_multipart_upload;
    if (auto e = parse_service_error(resp, op, 0, d)) return std::move(*e);
    complete_result r;
    detail::response_document doc(resp.body, op, 0, resp.status);
    if (callback == complete_callback::requested) {
        r.callback_body = resp.body;
    } else {
        enum : std::uint32_t { bucket = 1, key = 2, etag = 4, location = 8, encoding = 16 };
        std::uint32_t seen = 0;
        bool url = false;
        if (doc.open_root("CompleteMultipartUploadResult")) {
            std::string_view name;
            while (doc.next_child(name)) {
                bool ok = name == "Bucket"     ? doc.field(seen, bucket, name, r.bucket)
                          : name == "Key"      ? doc.field(seen, key, name, r.key)
                          : name == "ETag"     ? doc.field(seen, etag, name, r.etag)
                          : name == "Location" ? doc.field(seen, location, name, r.location)
                          : name == "EncodingType"
                              ? doc.encoding_type(seen, encoding, r.encoding_type, url)
                              : doc.skip();
                if (!ok) break;
            }
        }
        if (doc.finish() && doc.require(seen, bucket, "Bucket") && doc.require(seen, key, "Key") && url &&
            doc.url_decode("Key", r.key))
            doc.url_decode("Location", r.location);
    }
    if (doc.failed()) return doc.take_error();
    auto info = detail::read_response_info_for(resp, d, op);
    if (!info) return std::move(info).error();
    if (r.etag.empty()) r.etag = info->etag;
    if (r.etag.empty() && callback == complete_callback::none) {
        doc.fail(errc::missing_field, "no <ETag> in the body and no ETag header");
        return doc.take_error();
    }
    r.version_id = info->version_id;
    r.crc64 = info->crc64;
    r.info = std::move(*info);
    return r;
}

}  // namespace ossmp::inline v0
