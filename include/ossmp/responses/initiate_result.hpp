// ossmp: the InitiateMultipartUpload reply.
#pragma once

#include <cstdint>
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

/// What InitiateMultipartUpload returned. `key` is decoded when OSS encoded it.
struct initiate_result {
    std::string bucket;
    std::string key;            ///< percent-decoded under EncodingType url
    std::string upload_id;      ///< never empty: use it for every later request of the upload
    std::string encoding_type;  ///< "url" or "" as OSS reported it
    response_info info;
};

/// Parses an InitiateMultipartUpload response.
///
/// Returns the result, or an error: the service's (see parse_service_error) when the reply
/// is an error of any form; errc::xml_* when the body is not acceptable XML;
/// errc::malformed_response for another root or a duplicated element; errc::missing_field
/// when <Bucket>, <Key> or <UploadId> is absent or the upload id is empty;
/// errc::invalid_field / invalid_encoding for a bad EncodingType or key encoding, or an
/// unreadable CRC header. Unknown elements are ignored.
/// Next: keep `upload_id`; every UploadPart, Complete and Abort names it.
inline result<initiate_result> parse_initiate_result(const http_response& resp,
                                                     const dialect& d = oss_dialect) {
    constexpr operation op = operation::initiate_multipart_upload;
    if (auto e = parse_service_error(resp, op, 0, d)) return std::move(*e);
    initiate_result r;
    detail::response_document doc(resp.body, op, 0, resp.status);
    enum : std::uint32_t { bucket = 1, key = 2, upload_id = 4, encoding = 8 };
    std::uint32_t seen = 0;
    bool url = false;
    if (doc.open_root("InitiateMultipartUploadResult")) {
        std::string_view name;
        while (doc.next_child(name)) {
            bool ok = name == "Bucket"     ? doc.field(seen, bucket, name, r.bucket)
                      : name == "Key"      ? doc.field(seen, key, name, r.key)
                      : name == "UploadId" ? doc.field(seen, upload_id, name, r.upload_id)
                      : name == "EncodingType" ? doc.encoding_type(seen, encoding, r.encoding_type, url)
                                               : doc.skip();
            if (!ok) break;
        }
    }
    if (doc.finish() && doc.require(seen, bucket, "Bucket") && doc.require(seen, key, "Key") &&
        doc.require(seen, upload_id, "UploadId")) {
        if (r.upload_id.empty()) doc.fail(errc::missing_field, "<UploadId> is empty");
        else if (url) doc.url_decode("Key", r.key);
    }
    if (doc.failed()) return doc.take_error();
    auto info = detail::read_response_info_for(resp, d, op);
    if (!info) return std::move(info).error();
    r.info = std::move(*info);
    return r;
}

}  // namespace ossmp::inline v0
